import type pg from "pg";
import {
  outboxDeliveryId,
  type DeliveryRecord,
  type IntakeStore,
  type NewPost,
} from "./intake-store.js";

/** One delivery's write, as the next shared statement will carry it. */
interface Job {
  delivery: DeliveryRecord;
  outcome: "queued" | "ignored";
  posts: readonly NewPost[];
  notBefore: number;
  resolve(result: { deliveryAdded: boolean; postsAdded: number }): void;
  reject(error: unknown): void;
}

/**
 * Every delivery of a turn and all their posts, written by one statement: a row per delivery and
 * a row per post, as arrays unnested into the two inserts, so its shape (and its prepared plan) is
 * the same whatever the batch. One statement is one transaction in PostgreSQL: all of it commits,
 * or none. It answers which deliveries and which posts were new.
 */
const RECORD_DELIVERIES = `
  with new_deliveries as (
    insert into deliveries (app_id, delivery_id, event, outcome, received_at, explanation)
    select $1::bigint, d.delivery_id, d.event, d.outcome, d.received_at, d.explanation
    from unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])
      as d(delivery_id, event, outcome, received_at, explanation)
    on conflict (app_id, delivery_id) do nothing
    returning delivery_id
  ), new_posts as (
    insert into outbox (app_id, delivery_id, channel, thread_key, order_key, content, group_key,
      status, attempts, next_attempt_at, created_at, updated_at)
    select $1::bigint, p.delivery_id, p.channel, p.thread_key, p.order_key, p.content, p.group_key,
      'pending', 0, p.next_attempt_at, p.created_at, p.created_at
    from unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
        $13::bigint[], $14::bigint[])
      as p(delivery_id, channel, thread_key, order_key, content, group_key, next_attempt_at,
        created_at)
    on conflict (app_id, delivery_id, channel) do nothing
    returning delivery_id
  )
  select 'delivery' as kind, delivery_id from new_deliveries
  union all
  select 'post' as kind, delivery_id from new_posts`;

/**
 * The intake on PostgreSQL, where each statement is a round trip to the server: the deliveries
 * that arrive in one turn of the event loop are looked up by one statement, and written by one
 * prepared statement (one round trip, one commit, one WAL flush for all of them); each caller
 * hears back once its write has committed. Should the shared statement fail, each delivery is written alone, so one bad row
 * cannot fail its neighbours.
 */
export function createPostgresIntakeStore(pool: pg.Pool, appId: number): IntakeStore {
  let queue: Job[] = [];
  let scheduled = false;
  let lookups = new Map<string, ((seen: boolean) => void)[]>();
  let lookupFailures: ((error: unknown) => void)[] = [];
  let lookupScheduled = false;

  /** The deliveries asked about in one turn, looked up by one statement. */
  async function lookUp(): Promise<void> {
    lookupScheduled = false;
    const asked = lookups;
    const failures = lookupFailures;
    lookups = new Map();
    lookupFailures = [];
    try {
      const { rows } = await pool.query<{ delivery_id: string }>({
        name: "threadline_seen_deliveries",
        text: "select delivery_id from deliveries where app_id = $1 and delivery_id = any($2::text[])",
        values: [appId, [...asked.keys()]],
      });
      const seen = new Set(rows.map((row) => row.delivery_id));
      for (const [id, answers] of asked) for (const answer of answers) answer(seen.has(id));
    } catch (error) {
      for (const fail of failures) fail(error);
    }
  }

  async function write(jobs: readonly Job[]): Promise<Map<string, { d: boolean; p: number }>> {
    const posts = jobs.flatMap((job) => job.posts.map((post) => ({ job, post })));
    const { rows } = await pool.query<{ kind: string; delivery_id: string }>({
      name: "threadline_record_deliveries",
      text: RECORD_DELIVERIES,
      values: [
        appId,
        jobs.map((job) => job.delivery.deliveryId),
        jobs.map((job) => job.delivery.event),
        jobs.map((job) => job.outcome),
        jobs.map((job) => job.delivery.receivedAt),
        jobs.map((job) =>
          job.delivery.explanation === undefined ? null : JSON.stringify(job.delivery.explanation),
        ),
        posts.map(({ job, post }) => outboxDeliveryId(job.delivery.deliveryId, post.part)),
        posts.map(({ post }) => post.channel),
        posts.map(({ post }) => post.threadKey),
        posts.map(({ post }) => post.orderKey),
        posts.map(({ post }) => JSON.stringify(post.content)),
        posts.map(({ post }) => post.groupKey ?? null),
        posts.map(({ job, post }) => post.notBefore ?? job.notBefore),
        posts.map(({ job }) => job.delivery.receivedAt),
      ],
    });
    // A post recorded under `<delivery id>/<part>` counts for its delivery.
    const deliveryOf = new Map(
      posts.map(({ job, post }) => [
        outboxDeliveryId(job.delivery.deliveryId, post.part),
        job.delivery.deliveryId,
      ]),
    );
    const added = new Map<string, { d: boolean; p: number }>();
    for (const row of rows) {
      const deliveryId =
        row.kind === "delivery"
          ? row.delivery_id
          : (deliveryOf.get(row.delivery_id) ?? row.delivery_id);
      const entry = added.get(deliveryId) ?? { d: false, p: 0 };
      if (row.kind === "delivery") entry.d = true;
      else entry.p += 1;
      added.set(deliveryId, entry);
    }
    return added;
  }

  function settle(job: Job, added: Map<string, { d: boolean; p: number }>) {
    const entry = added.get(job.delivery.deliveryId);
    job.resolve({ deliveryAdded: entry?.d ?? false, postsAdded: entry?.p ?? 0 });
  }

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue;
    queue = [];
    // One delivery twice in a batch (two copies at once): the statement would insert it twice.
    const firsts = new Map<string, Job>();
    const again: Job[] = [];
    for (const job of batch) {
      if (firsts.has(job.delivery.deliveryId)) again.push(job);
      else firsts.set(job.delivery.deliveryId, job);
    }
    try {
      const added = await write([...firsts.values()]);
      for (const job of firsts.values()) settle(job, added);
    } catch (error) {
      if (firsts.size === 1) {
        firsts.values().next().value!.reject(error);
      } else {
        for (const job of firsts.values()) {
          try {
            settle(job, await write([job]));
          } catch (jobError) {
            job.reject(jobError);
          }
        }
      }
    }
    for (const job of again) {
      try {
        settle(job, await write([job]));
      } catch (error) {
        job.reject(error);
      }
    }
  }

  function submit(
    delivery: DeliveryRecord,
    outcome: Job["outcome"],
    posts: readonly NewPost[],
    notBefore: number,
  ) {
    return new Promise<{ deliveryAdded: boolean; postsAdded: number }>((resolve, reject) => {
      queue.push({ delivery, outcome, posts, notBefore, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void flush());
      }
    });
  }

  return {
    hasDelivery(deliveryId) {
      // Asked of every delivery: the questions of one turn share one round trip.
      return new Promise<boolean>((resolve, reject) => {
        lookups.set(deliveryId, [...(lookups.get(deliveryId) ?? []), resolve]);
        lookupFailures.push(reject);
        if (!lookupScheduled) {
          lookupScheduled = true;
          setImmediate(() => void lookUp());
        }
      });
    },

    async enqueue(delivery, posts, notBefore) {
      const outcome = posts.length > 0 ? "queued" : "ignored";
      return (await submit(delivery, outcome, posts, notBefore)).postsAdded;
    },

    async recordIgnored(delivery) {
      return (await submit(delivery, "ignored", [], 0)).deliveryAdded;
    },
  };
}
