import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/**
 * Small values every replica shares (the sweep's cursor, the config change log) and leases on
 * jobs that one replica at a time may run (the missed-delivery sweep).
 */
export interface SharedState {
  getState(key: string): Promise<string | undefined>;
  setState(key: string, value: string): Promise<void>;
  /**
   * Sets `key` to `value` only if it still holds `expected` (undefined: only if absent), so
   * replicas updating one key at once never overwrite each other unseen. False if it changed.
   */
  compareAndSetState(key: string, expected: string | undefined, value: string): Promise<boolean>;
  /**
   * Takes (or renews) the lease on a job that one replica at a time may run; false while another
   * holder's lease has not expired.
   */
  tryLease(job: string, holder: string, now: number, leaseMs: number): Promise<boolean>;
  releaseLease(job: string, holder: string): Promise<void>;
}

export function createSharedState(db: Kysely<Database>, appId: number): SharedState {
  return {
    async getState(key) {
      const row = await db
        .selectFrom("state")
        .select("value")
        .where("key", "=", `${appId}/${key}`)
        .executeTakeFirst();
      return row?.value;
    },

    async setState(key, value) {
      await db
        .insertInto("state")
        .values({ key: `${appId}/${key}`, value })
        .onConflict((conflict) => conflict.column("key").doUpdateSet({ value }))
        .execute();
    },

    async compareAndSetState(key, expected, value) {
      const stateKey = `${appId}/${key}`;
      if (expected === undefined) {
        const [result] = await db
          .insertInto("state")
          .values({ key: stateKey, value })
          .onConflict((conflict) => conflict.column("key").doNothing())
          .execute();
        return Number(result?.numInsertedOrUpdatedRows ?? 0) === 1;
      }
      const result = await db
        .updateTable("state")
        .set({ value })
        .where("key", "=", stateKey)
        .where("value", "=", expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async tryLease(job, holder, now, leaseMs) {
      const [result] = await db
        .insertInto("leases")
        .values({ name: `${appId}/${job}`, holder, expires_at: now + leaseMs })
        .onConflict((conflict) =>
          conflict
            .column("name")
            .doUpdateSet({ holder, expires_at: now + leaseMs })
            .where((eb) =>
              eb.or([eb("leases.expires_at", "<", now), eb("leases.holder", "=", holder)]),
            ),
        )
        .execute();
      return Number(result?.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async releaseLease(job, holder) {
      await db
        .deleteFrom("leases")
        .where("name", "=", `${appId}/${job}`)
        .where("holder", "=", holder)
        .execute();
    },
  };
}
