import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

type Work<T> = (trx: Kysely<Database>) => Promise<T>;

export interface GroupCommit {
  /** Runs `work` in the next shared transaction; resolves once that transaction has committed. */
  submit<T>(work: Work<T>): Promise<T>;
}

/**
 * Group commit: writes submitted in the same turn of the event loop share one transaction, so
 * one disk sync covers many deliveries under load. Each caller still hears back only after the
 * transaction holding its write has committed. Should the shared transaction fail, each write is
 * tried again alone, so one bad write cannot fail its neighbours.
 */
export function createGroupCommit(db: Kysely<Database>): GroupCommit {
  let queue: {
    work: Work<unknown>;
    resolve: (value: unknown) => void;
    reject: (error: unknown) => void;
  }[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue;
    queue = [];
    try {
      const results = await db.transaction().execute(async (trx) => {
        const values: unknown[] = [];
        for (const job of batch) values.push(await job.work(trx));
        return values;
      });
      batch.forEach((job, index) => job.resolve(results[index]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const job of batch) {
        try {
          job.resolve(await db.transaction().execute(job.work));
        } catch (jobError) {
          job.reject(jobError);
        }
      }
    }
  }

  return {
    submit<T>(work: Work<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}
