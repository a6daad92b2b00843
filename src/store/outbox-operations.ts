import { sql, type Kysely } from "kysely";
import { OUTBOX_PARTS, outboxDeliveryId } from "./intake-store.js";
import type { Dialect } from "./migrations.js";
import type { Database, OutboxRow, OutboxStatus } from "./schema.js";

export type OutboxCounts = Record<OutboxStatus, number>;

/** A delivery as recorded, with the posts it produced. */
export interface RecordedDelivery {
  deliveryId: string;
  event: string;
  outcome: string;
  receivedAt: number;
  explanation: unknown;
  posts: OutboxRow[];
}

/** How much room the store takes, and how far back it goes. */
export interface StoreFootprint {
  /** The database's size on disk (SQLite: the file; PostgreSQL: this schema's tables), if known. */
  bytes: number | null;
  /** When the oldest delivery kept was received (epoch ms). */
  oldestDeliveryAt: number | null;
}

/**
 * The operator's view of the outbox (the command line, /metrics): counts, lists, why a delivery
 * was or wasn't carried, and setting dead posts back on their way or dropping them.
 */
export interface OutboxOperations {
  counts(): Promise<OutboxCounts>;
  /** `created_at` of the oldest post not yet sent nor dead. */
  oldestWaitingSince(): Promise<number | null>;
  list(options: { status?: OutboxStatus; limit: number }): Promise<OutboxRow[]>;
  /** Dead posts back to pending now (after the cause was fixed); resolves to how many. */
  retry(ids: readonly number[] | "all-dead", now: number): Promise<number>;
  /** Deletes posts that are not being sent; resolves to how many. */
  drop(ids: readonly number[]): Promise<number>;
  /** A delivery and its posts, for `threadline explain`. */
  getDelivery(deliveryId: string): Promise<RecordedDelivery | undefined>;
  footprint(): Promise<StoreFootprint>;
}

const WAITING: OutboxStatus[] = ["pending", "sending"];

export function createOutboxOperations(
  db: Kysely<Database>,
  appId: number,
  dialect: Dialect,
): OutboxOperations {
  return {
    async counts() {
      const rows = await db
        .selectFrom("outbox")
        .select(["status", db.fn.countAll<number>().as("count")])
        .where("app_id", "=", appId)
        .groupBy("status")
        .execute();
      const counts: OutboxCounts = { pending: 0, sending: 0, sent: 0, dead: 0 };
      for (const row of rows) counts[row.status] = Number(row.count);
      return counts;
    },

    async oldestWaitingSince() {
      const row = await db
        .selectFrom("outbox")
        .select(db.fn.min<number>("created_at").as("oldest"))
        .where("app_id", "=", appId)
        .where("status", "in", WAITING)
        .executeTakeFirst();
      return row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
    },

    async list({ status, limit }) {
      let query = db.selectFrom("outbox").selectAll().where("app_id", "=", appId);
      if (status) query = query.where("status", "=", status);
      return query.orderBy("id").limit(limit).execute();
    },

    async retry(ids, now) {
      let query = db
        .updateTable("outbox")
        .set({ status: "pending", next_attempt_at: now, attempts: 0, updated_at: now })
        .where("app_id", "=", appId)
        .where("status", "=", "dead");
      if (ids !== "all-dead") {
        if (ids.length === 0) return 0;
        query = query.where("id", "in", [...ids]);
      }
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async drop(ids) {
      if (ids.length === 0) return 0;
      const result = await db
        .deleteFrom("outbox")
        .where("app_id", "=", appId)
        .where("id", "in", [...ids])
        .where("status", "!=", "sending")
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async getDelivery(deliveryId) {
      const delivery = await db
        .selectFrom("deliveries")
        .selectAll()
        .where("app_id", "=", appId)
        .where("delivery_id", "=", deliveryId)
        .executeTakeFirst();
      if (!delivery) return undefined;
      const posts = await db
        .selectFrom("outbox")
        .selectAll()
        .where("app_id", "=", appId)
        .where("delivery_id", "in", [
          deliveryId,
          ...OUTBOX_PARTS.map((part) => outboxDeliveryId(deliveryId, part)),
        ])
        .orderBy("id")
        .execute();
      return {
        deliveryId,
        event: delivery.event,
        outcome: delivery.outcome,
        receivedAt: Number(delivery.received_at),
        explanation: delivery.explanation === null ? null : JSON.parse(delivery.explanation),
        posts,
      };
    },
    async footprint() {
      let bytes: number | null = null;
      if (dialect === "sqlite") {
        const { rows } = await sql<{
          bytes: number;
        }>`select page_count * page_size as bytes from pragma_page_count(), pragma_page_size()`.execute(
          db,
        );
        bytes = rows[0] ? Number(rows[0].bytes) : null;
      } else {
        const { rows } = await sql<{ bytes: string | number | null }>`
          select sum(pg_total_relation_size(c.oid)) as bytes
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = current_schema() and c.relkind = 'r'`.execute(db);
        bytes = rows[0]?.bytes == null ? null : Number(rows[0].bytes);
      }
      const oldest = await db
        .selectFrom("deliveries")
        .select(db.fn.min<number>("received_at").as("oldest"))
        .where("app_id", "=", appId)
        .executeTakeFirst();
      return {
        bytes,
        oldestDeliveryAt: oldest?.oldest == null ? null : Number(oldest.oldest),
      };
    },
  };
}
