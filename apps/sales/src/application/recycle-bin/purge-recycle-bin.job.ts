import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SalesConfig } from '../../config';
import { audit } from '../audit';

const BATCH = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

interface Purgeable {
  id: string;
  tenant_id: string;
}

/**
 * The recycle bin's retention: customers, contacts and follow-ups deleted more than
 * `RECYCLE_BIN_RETENTION_DAYS` ago are removed for good, a customer with everything under it,
 * each purged customer or separately deleted contact with a `purge` audit entry by the system.
 * Batches lock with SKIP LOCKED, so several replicas share the work without doing any twice.
 */
@Injectable()
export class PurgeRecycleBinJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RecycleBin');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: SalesConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.RECYCLE_BIN_PURGE_INTERVAL_SECONDS * 1000;
    this.timer = setInterval(() => {
      this.running ??= this.purge()
        .catch((err) => this.logger.error(`purge failed: ${(err as Error).message}`))
        .finally(() => (this.running = undefined));
    }, every);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Purges everything deleted before `asOf` minus the retention; answers how many of each went. */
  async purge(asOf = new Date()): Promise<{ customer: number; contact: number; 'follow-up': number }> {
    const before = new Date(asOf.getTime() - this.config.RECYCLE_BIN_RETENTION_DAYS * DAY_MS);
    const purged = { customer: 0, contact: 0, 'follow-up': 0 };
    for (;;) {
      const n = await this.dataSource.transaction(async (m) => {
        const customers: Purgeable[] = await m.query(
          `SELECT id, tenant_id FROM customers WHERE deleted_at < $1 ORDER BY deleted_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
          [before],
        );
        const ids = customers.map((c) => c.id);
        if (ids.length) {
          purged['follow-up'] += await deleted(m, 'DELETE FROM follow_ups WHERE customer_id = ANY($1::uuid[])', [ids]);
          purged.contact += await deleted(m, 'DELETE FROM contacts WHERE customer_id = ANY($1::uuid[])', [ids]);
          await m.query("DELETE FROM record_shares WHERE object = 'customer' AND record_id = ANY($1::uuid[])", [ids]);
          await m.query("DELETE FROM record_collaborators WHERE object = 'customer' AND record_id = ANY($1::uuid[])", [ids]);
          purged.customer += await deleted(m, 'DELETE FROM customers WHERE id = ANY($1::uuid[])', [ids]);
          for (const c of customers) await audit(m, { tenantId: c.tenant_id, userId: null }, { objectType: 'customer', objectId: c.id, action: 'purge' });
        }
        const contacts: Purgeable[] = await m.query(
          `SELECT id, tenant_id FROM contacts WHERE deleted_at < $1 ORDER BY deleted_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
          [before],
        );
        if (contacts.length) {
          const contactIds = contacts.map((c) => c.id);
          await m.query('UPDATE follow_ups SET contact_id = NULL WHERE contact_id = ANY($1::uuid[])', [contactIds]);
          purged.contact += await deleted(m, 'DELETE FROM contacts WHERE id = ANY($1::uuid[])', [contactIds]);
          for (const c of contacts) await audit(m, { tenantId: c.tenant_id, userId: null }, { objectType: 'contact', objectId: c.id, action: 'purge' });
        }
        const followUps = await deleted(
          m,
          `DELETE FROM follow_ups WHERE id IN (SELECT id FROM follow_ups WHERE deleted_at < $1 LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
          [before],
        );
        purged['follow-up'] += followUps;
        return customers.length + contacts.length + followUps;
      });
      if (n === 0) return purged;
    }
  }
}

async function deleted(m: EntityManager, sql: string, params: unknown[]): Promise<number> {
  // A CTE, because TypeORM answers a bare DELETE with [rows, count].
  const [{ n }] = await m.query(`WITH gone AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM gone`, params);
  return n;
}
