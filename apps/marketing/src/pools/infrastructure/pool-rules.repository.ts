import { EntityManager } from 'typeorm';
import { RECYCLE_RULES, RecycleRuleName, RuleClock, RuleKind } from '../domain/recycle-rules';

/**
 * The SQL of the pools' rules engine. `dueSql` is THE selection: the recycle preview lists its rows
 * and the job acts on exactly its rows (materialised once per tenant run), so the two cannot
 * disagree. Its decisions are those of domain/recycle-rules.ts (governing pool, clocks, N × 24 h,
 * one return per customer, no reminder for a customer going back, one reminder per clock start).
 */

/**
 * The ledger `l` with each owned customer's governing pool as `governing_pool_id`: the pool its
 * current owner got it from (the `from_pool_id` of the latest claim/assign history row giving it
 * to that owner), else the organisation's default customer pool. A lateral join, so it is worked
 * out once per row (an index probe of the customer's history).
 */
export const LEDGER_WITH_GOVERNING_POOL = `customer_ledger l
  LEFT JOIN LATERAL (
    SELECT h.from_pool_id FROM customer_ownership_history h
    WHERE h.tenant_id = l.tenant_id AND h.customer_id = l.customer_id AND h.action IN ('claim', 'assign') AND h.to_owner_id = l.owner_id
    ORDER BY h.at DESC, h.id DESC LIMIT 1) src ON true
  LEFT JOIN pools dp ON dp.tenant_id = l.tenant_id AND dp.kind = 'customer' AND dp.is_default`;
const GOVERNING_POOL_ID = 'COALESCE(src.from_pool_id, dp.id)';

/** "N days": N × 24 hours, whatever the session's time zone (interval '1 day' would follow DST). */
const dueAtSql = (clock: string, days: string) => `${clock} + ${days} * interval '24 hours'`;

const RULES_VALUES = RECYCLE_RULES.map((r, i) => `('${r.kind}', '${r.rule}', '${r.clock}', ${i})`).join(', ');

/** The fewest days any customer pool of tenant `$2` sets on a clock (null when none does). */
const shortestRuleSql = (clock: RuleClock) => `(SELECT min((sp.rules ->> sr.rule)::int) FROM pools sp
  CROSS JOIN unnest(ARRAY[${RECYCLE_RULES.filter((r) => r.clock === clock).map((r) => `'${r.rule}'`).join(', ')}]) AS sr (rule)
  WHERE sp.tenant_id = $2 AND sp.kind = 'customer')`;

export interface DueFilter {
  tenantId: string;
  asOf: Date;
  /** Only customers this pool governs (the preview of one pool). */
  poolId?: string;
  /** Only one slice of the customers (by id), so a run's work splits into transactions that run side by side. */
  slice?: Slice;
}

/** Slice `index` of `count` (count <= 256): customers whose id's last byte is `index` modulo `count`. */
export interface Slice {
  index: number;
  count: number;
}

/** Whether the customer id (SQL) is in slice `$count`/`$index` (both null: every customer). */
export const inSliceSql = (id: string, count: string, index: string) => `(${count}::int IS NULL OR get_byte(uuid_send(${id}), 15) % ${count}::int = ${index}::int)`;

/**
 * Every rule due as of `$1` for the owned customers of tenant `$2` (governed by pool `$3` when not
 * null; in slice `$5` of `$4` when not null): one `return` row per customer going back, and the
 * `reminder` rows still to send for the others. Every decision is per customer (its ledger row, its
 * history, its reminders), so the slices of a run together select exactly what the whole does.
 */
export function dueSql(f: DueFilter): { sql: string; params: unknown[] } {
  const sql = `
    WITH owned AS (
      SELECT l.customer_id, l.tenant_id, l.code, l.name, l.owner_id, l.owned_since,
             GREATEST(l.owned_since, l.last_follow_up_at) AS no_follow_up_since,
             GREATEST(l.owned_since, l.last_deal_at) AS no_deal_since,
             ${GOVERNING_POOL_ID} AS pool_id
      FROM ${LEDGER_WITH_GOVERNING_POOL}
      WHERE l.tenant_id = $2 AND l.owner_id IS NOT NULL AND NOT l.deleted AND ${inSliceSql('l.customer_id', '$4', '$5')}
        -- Only a clock older than the shortest rule on it (of any pool of the tenant) can be due:
        -- the rest are left out before their governing pool is looked up.
        AND (GREATEST(l.owned_since, l.last_follow_up_at) <= $1::timestamptz - ${shortestRuleSql('noFollowUp')} * interval '24 hours'
          OR GREATEST(l.owned_since, l.last_deal_at) <= $1::timestamptz - ${shortestRuleSql('noDeal')} * interval '24 hours')
    ),
    outcomes AS (
      SELECT o.*, r.kind, r.rule, r.precedence, (p.rules ->> r.rule)::int AS days,
             CASE r.clock WHEN 'noFollowUp' THEN o.no_follow_up_since ELSE o.no_deal_since END AS clock_started_at
      FROM owned o
      JOIN pools p ON p.id = o.pool_id
      CROSS JOIN (VALUES ${RULES_VALUES}) AS r (kind, rule, clock, precedence)
      WHERE ($3::uuid IS NULL OR o.pool_id = $3) AND p.rules ->> r.rule IS NOT NULL
    ),
    due AS (
      SELECT *, ${dueAtSql('clock_started_at', 'days')} AS due_at FROM outcomes WHERE ${dueAtSql('clock_started_at', 'days')} <= $1
    ),
    -- Per customer: whether a return is due, and the order of its due rules of each kind. (Windows,
    -- not an anti-join of the CTE with itself: that one the planner may make quadratic.)
    ranked AS (
      SELECT due.*, bool_or(kind = 'return') OVER (PARTITION BY customer_id) AS going_back,
             row_number() OVER (PARTITION BY customer_id, kind ORDER BY due_at, precedence) AS nth
      FROM due
    )
    SELECT r.customer_id, r.tenant_id, r.code, r.name, r.owner_id, r.owned_since, r.no_follow_up_since, r.no_deal_since, r.pool_id, r.kind, r.rule, r.days, r.clock_started_at, r.due_at
    FROM ranked r
    WHERE (r.kind = 'return' AND r.nth = 1)
       OR (r.kind = 'reminder' AND NOT r.going_back
           AND NOT EXISTS (SELECT 1 FROM pool_reminders pr WHERE pr.customer_id = r.customer_id AND pr.rule = r.rule AND pr.clock_started_at = r.clock_started_at))`;
  return { sql, params: [f.asOf, f.tenantId, f.poolId ?? null, f.slice?.count ?? null, f.slice?.index ?? null] };
}

/** One row of `dueSql`: a rule due for a customer, and the facts behind it. */
export interface DueRecord {
  customerId: string;
  code: string;
  name: string;
  ownerId: string;
  /** The governing pool: whose rule it is, where the customer goes back, whose administrators are reminded. */
  poolId: string;
  kind: RuleKind;
  rule: RecycleRuleName;
  days: number;
  clockStartedAt: string;
  dueAt: string;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export const toDueRecord = (r: any): DueRecord => ({
  customerId: r.customer_id,
  code: r.code,
  name: r.name,
  ownerId: r.owner_id,
  poolId: r.pool_id,
  kind: r.kind,
  rule: r.rule,
  days: Number(r.days),
  clockStartedAt: new Date(r.clock_started_at).toISOString(),
  dueAt: new Date(r.due_at).toISOString(),
});

export async function findDue(m: EntityManager, f: DueFilter): Promise<DueRecord[]> {
  const { sql, params } = dueSql(f);
  const rows = await m.query(`${sql} ORDER BY due_at, customer_id, rule`, params);
  return rows.map(toDueRecord);
}

/** An owned customer's governing pool and its ledger facts, for its pool status. */
export async function governingPoolOf(m: EntityManager, tenantId: string, customerId: string): Promise<string | null> {
  const [row] = await m.query(`SELECT ${GOVERNING_POOL_ID} AS pool_id FROM ${LEDGER_WITH_GOVERNING_POOL} WHERE l.tenant_id = $1 AND l.customer_id = $2`, [tenantId, customerId]);
  return row?.pool_id ?? null;
}

/** The reminders already sent for a customer's current clocks. */
export async function remindersSent(m: EntityManager, customerId: string): Promise<{ rule: RecycleRuleName; clockStartedAt: Date }[]> {
  const rows = await m.query('SELECT rule, clock_started_at FROM pool_reminders WHERE customer_id = $1', [customerId]);
  return rows.map((r: any) => ({ rule: r.rule, clockStartedAt: new Date(r.clock_started_at) }));
}

/** Tenants with a customer pool that sets a reminder or return rule: the only ones a run has work in. */
export async function tenantsWithRecycleRules(m: EntityManager): Promise<string[]> {
  const names = RECYCLE_RULES.map((r) => r.rule);
  const rows = await m.query("SELECT DISTINCT tenant_id FROM pools WHERE kind = 'customer' AND rules ?| $1::text[] ORDER BY tenant_id", [names]);
  return rows.map((r: any) => r.tenant_id);
}
