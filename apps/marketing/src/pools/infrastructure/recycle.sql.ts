import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AUDIT_EVENTS, CustomerOwnerChanged, EventDefinition, dataschemaOf } from '@crm/contracts';
import { Slice, inSliceSql } from './pool-rules.repository';

/**
 * The job's writes, set-based: statements over `due_now` (the materialised rows of `dueSql` for one
 * slice of a tenant's customers, see pool-rules.repository.ts), each touching every due customer of
 * the slice at once.
 */

/**
 * Ids as `newId()` makes them (UUIDv7: 48-bit ms timestamp, version 7, RFC 4122 variant), cheap
 * enough for hundreds of thousands of rows: the random bytes of gen_random_uuid() (variant bits
 * included) under a prefix `$n` computed once per statement — the time and the version nibble.
 */
const uuidV7 = (prefixParam: string) => `encode(overlay(uuid_send(gen_random_uuid()) PLACING ${prefixParam}::bytea FROM 1 FOR 7), 'hex')::uuid`;

/** The prefix: 6 bytes of milliseconds since the epoch, then 0x7 and 4 random bits (as `newId()`). */
export function uuidV7Prefix(now = Date.now()): Buffer {
  const b = randomBytes(7);
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (b[6] & 0x0f);
  return b;
}

/** The CloudEvent envelope `publishInTransaction` writes, as jsonb (`$time` once per statement). */
const envelope = (def: EventDefinition, p: { id: string; subject: string; tenant: string; time: string; data: string }) => `jsonb_build_object(
  'specversion', '1.0', 'id', ${p.id}, 'source', '${def.source}', 'type', '${def.type}', 'subject', ${p.subject}, 'time', ${p.time},
  'datacontenttype', 'application/json', 'dataschema', '${dataschemaOf(def)}', 'tenantid', ${p.tenant}, 'data', ${p.data})`;

/** One trace per run (the job is the cause), one span per event: W3C traceparent. */
const TRACEPARENT = (trace: string) => `'00-${trace}-' || lpad(to_hex((random() * 9007199254740991)::bigint), 16, '0') || '-01'`;

const MARKETING_AUDIT = AUDIT_EVENTS.find((e) => e.source === '/crm/marketing')!;

export interface ReturnedRow {
  customer_id: string;
  owner_id: string;
  pool_id: string;
  rule: string;
}

/**
 * Every due return in one statement: the ledger rows (re-checked: still that owner since that
 * instant, clocks unchanged, so a concurrent claim, return or follow-up wins), a `recycle` history
 * row each with the rule as its reason, an audit entry each by the system (actor null), and the
 * owner-changed event sales applies — the last two straight into the outbox.
 */
export async function applyReturns(m: EntityManager, asOf: Date): Promise<ReturnedRow[]> {
  const trace = randomBytes(16).toString('hex');
  const now = new Date().toISOString();
  const rows: ReturnedRow[] = await m.query(
    `WITH moved AS (
       UPDATE customer_ledger l SET owner_id = NULL, pool_id = d.pool_id, owned_since = $1
       FROM due_now d
       WHERE d.kind = 'return' AND l.customer_id = d.customer_id AND l.owner_id = d.owner_id AND l.owned_since = d.owned_since AND NOT l.deleted
         AND GREATEST(l.owned_since, l.last_follow_up_at) = d.no_follow_up_since AND GREATEST(l.owned_since, l.last_deal_at) = d.no_deal_since
       RETURNING l.customer_id, l.tenant_id, d.owner_id, d.pool_id, d.rule
     ),
     history AS (
       INSERT INTO customer_ownership_history (id, tenant_id, customer_id, action, from_owner_id, to_owner_id, from_pool_id, to_pool_id, actor_id, reason, at)
       SELECT ${uuidV7('$6')}, tenant_id, customer_id, 'recycle', owner_id, NULL, NULL, pool_id, NULL, rule, $1 FROM moved
     ),
     events AS (
       INSERT INTO outbox (id, topic, key, event, traceparent)
       SELECT e.id, $3, e.customer_id::text, ${envelope(CustomerOwnerChanged, {
         id: 'e.id', subject: 'e.customer_id', tenant: 'e.tenant_id', time: '$2::text',
         data: `jsonb_build_object('customerId', e.customer_id, 'tenantId', e.tenant_id, 'ownerId', NULL, 'poolId', e.pool_id, 'action', 'recycle', 'actorId', NULL, 'at', $4::text)`,
       })}, ${TRACEPARENT(trace)}
       FROM (SELECT ${uuidV7('$6')} AS id, moved.* FROM moved) e
     ),
     audits AS (
       INSERT INTO outbox (id, topic, key, event, traceparent)
       SELECT a.event_id, $5, a.customer_id::text, ${envelope(MARKETING_AUDIT, {
         id: 'a.event_id', subject: 'a.customer_id', tenant: 'a.tenant_id', time: '$2::text',
         data: `jsonb_build_object('id', a.entry_id, 'tenantId', a.tenant_id, 'service', 'marketing', 'objectType', 'customer', 'objectId', a.customer_id,
           'action', 'owner-change', 'actorId', NULL, 'at', $2::text, 'requestId', NULL, 'ip', NULL,
           'changes', jsonb_build_array(jsonb_build_object('field', 'ownerId', 'before', a.owner_id, 'after', NULL), jsonb_build_object('field', 'poolId', 'before', NULL, 'after', a.pool_id)))`,
       })}, ${TRACEPARENT(trace)}
       FROM (SELECT ${uuidV7('$6')} AS event_id, ${uuidV7('$6')} AS entry_id, moved.* FROM moved) a
     )
     SELECT customer_id, owner_id, pool_id, rule FROM moved`,
    [asOf, now, CustomerOwnerChanged.topic, asOf.toISOString(), MARKETING_AUDIT.topic, uuidV7Prefix()],
  );
  if (rows.length) await m.query("SELECT pg_notify('outbox', '')");
  return rows;
}

export interface AdminReminders {
  adminId: string;
  /** Customers to remind them of, and per rule. */
  total: number;
  noFollowUp: number;
  noDeal: number;
  poolIds: string[];
  /** The first few customer codes, for the message. */
  sample: string[];
}

const SAMPLE = 10;

/** Records the reminders due now (`due_now`), not yet notified; answers how many. */
export async function recordReminders(m: EntityManager, asOf: Date): Promise<number> {
  const [{ reminded }] = await m.query(
    `WITH recorded AS (
       INSERT INTO pool_reminders (customer_id, rule, clock_started_at, tenant_id, pool_id, owner_id, days, due_at, reminded_at)
       SELECT customer_id, rule, clock_started_at, tenant_id, pool_id, owner_id, days, due_at, $1 FROM due_now WHERE kind = 'reminder'
       ON CONFLICT DO NOTHING
       RETURNING 1
     )
     SELECT count(*)::int AS reminded FROM recorded`,
    [asOf],
  );
  return reminded;
}

/**
 * The tenant's recorded reminders nobody has been told of yet (locked, marked notified), per
 * administrator of their pools: counted per pool in SQL, then summed per administrator (a customer
 * has one governing pool, so the sums count no one twice).
 */
export async function takeUnnotifiedReminders(m: EntityManager, tenantId: string): Promise<AdminReminders[]> {
  const pools: { pool_id: string; admin_ids: string[]; total: number; no_follow_up: number; no_deal: number; sample: string[] }[] = await m.query(
    `WITH taken AS (
       UPDATE pool_reminders SET notified_at = now()
       WHERE (customer_id, rule, clock_started_at) IN (
         SELECT customer_id, rule, clock_started_at FROM pool_reminders WHERE tenant_id = $1 AND notified_at IS NULL FOR UPDATE SKIP LOCKED)
       RETURNING customer_id, rule, pool_id
     )
     SELECT d.pool_id, p.admin_ids, d.total, d.no_follow_up, d.no_deal, d.sample
     FROM (SELECT t.pool_id, count(DISTINCT t.customer_id)::int AS total,
                  (count(*) FILTER (WHERE t.rule = 'remindNoFollowUpDays'))::int AS no_follow_up, (count(*) FILTER (WHERE t.rule = 'remindNoDealDays'))::int AS no_deal,
                  (array_agg(DISTINCT c.code ORDER BY c.code))[1:${SAMPLE}] AS sample
           FROM taken t JOIN customer_ledger c ON c.customer_id = t.customer_id GROUP BY t.pool_id) d
     JOIN pools p ON p.id = d.pool_id`,
    [tenantId],
  );
  const byAdmin = new Map<string, AdminReminders>();
  for (const p of pools) {
    for (const adminId of p.admin_ids) {
      const a = byAdmin.get(adminId) ?? { adminId, total: 0, noFollowUp: 0, noDeal: 0, poolIds: [], sample: [] };
      a.total += p.total;
      a.noFollowUp += p.no_follow_up;
      a.noDeal += p.no_deal;
      a.poolIds.push(p.pool_id);
      a.sample = [...a.sample, ...p.sample].sort().slice(0, SAMPLE);
      byAdmin.set(adminId, a);
    }
  }
  return [...byAdmin.values()].sort((x, y) => x.adminId.localeCompare(y.adminId));
}

/** Reminders of clocks that have since restarted (or customers no longer owned): they can never match again. */
export async function forgetOutdatedReminders(m: EntityManager, tenantId: string, slice?: Slice): Promise<void> {
  await m.query(
    `DELETE FROM pool_reminders pr USING customer_ledger l
     WHERE pr.tenant_id = $1 AND l.customer_id = pr.customer_id AND pr.notified_at IS NOT NULL AND ${inSliceSql('pr.customer_id', '$2', '$3')}
       AND (l.owner_id IS NULL OR l.deleted OR pr.clock_started_at < CASE pr.rule WHEN 'remindNoFollowUpDays' THEN GREATEST(l.owned_since, l.last_follow_up_at) ELSE GREATEST(l.owned_since, l.last_deal_at) END)`,
    [tenantId, slice?.count ?? null, slice?.index ?? null],
  );
}
