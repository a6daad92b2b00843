import type SqliteDatabase from "better-sqlite3";
import type { Kysely } from "kysely";
import {
  outboxDeliveryId,
  type DeliveryRecord,
  type IntakeStore,
  type NewPost,
} from "./intake-store.js";
import type { Database } from "./schema.js";

/** A write of one delivery, run inside a shared transaction; resolves the caller afterwards. */
interface Job {
  run(): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The intake on SQLite, where answering GitHub spends most of its time: statements prepared once
 * (the query builder would compile, and better-sqlite3 prepare, every statement of every delivery)
 * and group commit: the writes of every delivery that arrived in one turn of the event loop run in
 * one transaction, so one disk sync (synchronous = FULL) covers them all, and each caller hears back
 * only once it has committed. Should the shared transaction fail, each write is tried alone, so one
 * bad write cannot fail its neighbours.
 *
 * The transaction runs under Kysely's hold on the one connection, so it never lands inside one of
 * the send queue's transactions. Reads (`hasDelivery`) need no hold: no other transaction writes
 * deliveries, so they can only see committed rows.
 */
export function createSqliteIntakeStore(
  db: Kysely<Database>,
  sqlite: SqliteDatabase.Database,
  appId: number,
): IntakeStore {
  const findDelivery = sqlite
    .prepare("select 1 from deliveries where app_id = ? and delivery_id = ?")
    .pluck();
  const insertDelivery = sqlite.prepare(
    `insert into deliveries (app_id, delivery_id, event, outcome, received_at, explanation)
     values (?, ?, ?, ?, ?, ?) on conflict (app_id, delivery_id) do nothing`,
  );
  const insertPost = sqlite.prepare(
    `insert into outbox (app_id, delivery_id, channel, thread_key, order_key, content, group_key,
       status, attempts, next_attempt_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
     on conflict (app_id, delivery_id, channel) do nothing`,
  );

  const recordDelivery = (delivery: DeliveryRecord, outcome: "queued" | "ignored") =>
    insertDelivery.run(
      appId,
      delivery.deliveryId,
      delivery.event,
      outcome,
      delivery.receivedAt,
      delivery.explanation === undefined ? null : JSON.stringify(delivery.explanation),
    ).changes;

  let queue: Job[] = [];
  let scheduled = false;
  const inTransaction = sqlite.transaction((jobs: Job[]) => jobs.map((job) => job.run()));

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue;
    queue = [];
    await db.connection().execute(async () => {
      try {
        const results = inTransaction(batch);
        batch.forEach((job, index) => job.resolve(results[index]));
        return;
      } catch (error) {
        if (batch.length === 1) {
          batch[0]!.reject(error);
          return;
        }
      }
      for (const job of batch) {
        try {
          job.resolve(inTransaction([job])[0]);
        } catch (error) {
          job.reject(error);
        }
      }
    });
  }

  function submit<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void flush().catch((error: unknown) => rejectAll(error)));
      }
    });
  }

  /** The connection could not be had at all (the store is closing): fail what waits. */
  function rejectAll(error: unknown) {
    const batch = queue;
    queue = [];
    for (const job of batch) job.reject(error);
  }

  return {
    async hasDelivery(deliveryId) {
      return findDelivery.get(appId, deliveryId) !== undefined;
    },

    enqueue(delivery, posts: readonly NewPost[], notBefore) {
      // Serialised here, before the transaction, so the disk sync waits on as little as possible.
      const rows = posts.map((post) => [
        appId,
        outboxDeliveryId(delivery.deliveryId, post.part),
        post.channel,
        post.threadKey,
        post.orderKey,
        JSON.stringify(post.content),
        post.groupKey ?? null,
        post.notBefore ?? notBefore,
        delivery.receivedAt,
        delivery.receivedAt,
      ]);
      return submit(() => {
        recordDelivery(delivery, rows.length > 0 ? "queued" : "ignored");
        let added = 0;
        for (const row of rows) added += insertPost.run(...row).changes;
        return added;
      });
    },

    recordIgnored(delivery) {
      return submit(() => recordDelivery(delivery, "ignored") > 0);
    },
  };
}
