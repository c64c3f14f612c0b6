import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { notifier } from '@crm/access';
import { Slice, dueSql, tenantsWithRecycleRules } from '../infrastructure/pool-rules.repository';
import { applyReturns, forgetOutdatedReminders, recordReminders, takeUnnotifiedReminders } from '../infrastructure/recycle.sql';

const notify = notifier('marketing');

export const POOL_RULES_OPTIONS = Symbol('POOL_RULES_OPTIONS');
export interface PoolRulesOptions {
  /** Seconds between runs (`POOL_RULES_INTERVAL_SECONDS`). */
  intervalSeconds: number;
}

export interface PoolRulesRunReport {
  /** Tenants this run worked on (another replica may have had the rest). */
  tenants: number;
  returned: number;
  reminded: number;
  /** Notifications sent (one per pool administrator with something to hear). */
  notifications: number;
  /** Where the time went, in milliseconds: selecting what is due, the returns, the reminders. */
  ms: { select: number; returns: number; reminders: number };
}

/** Slices of a tenant's customers per run, and how many run side by side (each its own transaction and connection). */
const SLICES = 4;
const CONCURRENCY = 2;

/**
 * The pools' rules engine on a timer (`POOL_RULES_INTERVAL_SECONDS`): owned customers idle too
 * long go back to their governing pool, and its administrators are reminded of those idle for the
 * reminder rules (domain/recycle-rules.ts says which, and why). Set-based: a tenant's customers
 * are cut into slices (by id); per slice, one transaction materialises the due set with the same
 * SELECT the preview answers, then one statement moves every returned customer (ledger, history,
 * audit, owner-changed events) and one records the reminders. Then one transaction per tenant tells
 * each administrator, in one notification, of the reminders recorded and not yet notified (a crash
 * in between leaves them for the next run, not lost). Slices and tenants are taken with
 * transaction-scoped advisory try-locks, so replicas share the work and never do the same twice.
 */
@Injectable()
export class PoolRulesJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PoolRules');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(POOL_RULES_OPTIONS) private readonly options: PoolRulesOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.run()
        .catch((err) => this.logger.error(`pool rules run failed: ${(err as Error).message}`))
        .finally(() => (this.running = undefined));
    }, this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Applies every rule due as of `asOf` (now, on the timer), tenant by tenant. */
  async run(asOf = new Date()): Promise<PoolRulesRunReport> {
    const report: PoolRulesRunReport = { tenants: 0, returned: 0, reminded: 0, notifications: 0, ms: { select: 0, returns: 0, reminders: 0 } };
    for (const tenantId of await tenantsWithRecycleRules(this.dataSource.manager)) {
      const queue = Array.from({ length: SLICES }, (_, index): Slice => ({ index, count: SLICES }));
      let worked = false;
      const worker = async () => {
        for (let slice = queue.shift(); slice; slice = queue.shift()) {
          const done = await this.dataSource.transaction((m) => this.runSlice(m, tenantId, slice!, asOf));
          if (!done) continue;
          worked = true;
          report.returned += done.returned;
          report.reminded += done.reminded;
          for (const k of ['select', 'returns', 'reminders'] as const) report.ms[k] += done.ms[k];
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const t = Date.now();
      report.notifications += await this.dataSource.transaction((m) => this.notifyAdmins(m, tenantId));
      report.ms.reminders += Date.now() - t;
      if (worked) report.tenants++;
    }
    if (report.returned || report.reminded) this.logger.log(`pool rules: ${report.returned} customers back in their pools, ${report.reminded} reminders in ${report.notifications} notifications`);
    return report;
  }

  private async runSlice(m: EntityManager, tenantId: string, slice: Slice, asOf: Date): Promise<Omit<PoolRulesRunReport, 'tenants' | 'notifications'> | undefined> {
    const [{ locked }] = await m.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [`pool-rules:${tenantId}:${slice.index}/${slice.count}`]);
    if (!locked) return undefined;
    const ms = { select: 0, returns: 0, reminders: 0 };
    let t = Date.now();
    const lap = (phase: keyof typeof ms) => {
      ms[phase] += Date.now() - t;
      t = Date.now();
    };
    await forgetOutdatedReminders(m, tenantId, slice);
    const { sql, params } = dueSql({ tenantId, asOf, slice });
    await m.query(`CREATE TEMP TABLE due_now ON COMMIT DROP AS ${sql}`, params);
    await m.query('ANALYZE due_now'); // a temp table has no statistics until analysed: the joins below need them
    lap('select');
    const returned = await applyReturns(m, asOf);
    lap('returns');
    const reminded = await recordReminders(m, asOf);
    lap('reminders');
    return { returned: returned.length, reminded, ms };
  }

  /** One notification per administrator for the tenant's reminders not yet told; answers how many went out. */
  private async notifyAdmins(m: EntityManager, tenantId: string): Promise<number> {
    const admins = await takeUnnotifiedReminders(m, tenantId);
    for (const a of admins) {
      await notify(m, {
        tenantId,
        recipientIds: [a.adminId],
        kind: 'pool.reminder',
        title: reminderTitle(a),
        body: reminderBody(a),
        subject: a.poolIds.length === 1 ? { objectType: 'customer-pool', objectId: a.poolIds[0] } : null,
      });
    }
    // Many new rows: fresh statistics, so the next run's anti-join against them gets a sound plan.
    if (admins.reduce((n, a) => n + a.total, 0) >= 10_000) await m.query('ANALYZE pool_reminders');
    return admins.length;
  }
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function reminderTitle(a: { total: number; noFollowUp: number; noDeal: number }): string {
  const parts = [
    ...(a.noFollowUp ? [`${plural(a.noFollowUp, 'customer', 'customers')} without follow-up`] : []),
    ...(a.noDeal ? [`${plural(a.noDeal, 'customer', 'customers')} without a deal`] : []),
  ];
  return `Pool reminder: ${parts.join(', ')}`;
}

function reminderBody(a: { total: number; sample: string[] }): string {
  const more = a.total > a.sample.length ? ` and ${a.total - a.sample.length} more` : '';
  return `Owned customers of pools you administer have gone too long without a follow-up or a deal, as the pools' reminder rules say: ${a.sample.join(', ')}${more}. ` +
    'The recycle preview of each pool lists them with the rule and dates behind each.';
}
