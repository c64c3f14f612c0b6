import { EntityManager } from 'typeorm';
import { AUDIT_EVENTS, AuditAction, AuditChange, AuditEntryData, BusinessServiceName } from '@crm/contracts';
import { newId } from '@crm/kernel';
import { publishInTransaction, publishManyInTransaction } from '@crm/messaging';
import { RequestContext } from './request-context';

/** On whose behalf a change is made: a request, or a job (a handover) started by one. */
export interface AuditActor {
  tenantId: string;
  /** Null for the system itself, e.g. the recycle bin's retention purge. */
  userId: string | null;
  requestId?: string | null;
  ip?: string | null;
  traceparent?: string;
}

export interface AuditedChange {
  objectType: string;
  objectId: string;
  action: AuditAction;
  /** The record's public fields before and after: the entry keeps those that differ. */
  before?: object | null;
  after?: object | null;
}

/** Writes one entry of the operation log inside the change's transaction. */
export type AuditTrail = (m: EntityManager, who: RequestContext | AuditActor, change: AuditedChange) => Promise<AuditEntryData>;

/** Bookkeeping every record has; it says nothing the entry's actor and time do not. */
const NOT_AUDITED = new Set(['id', 'tenantId', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy']);

const plain = (v: unknown): unknown => (v === undefined ? null : v instanceof Date ? v.toISOString() : v);

/**
 * The fields whose values differ, in the order they appear. A missing side (create, purge) counts
 * as all-null, so a create lists the fields it set and nothing else.
 */
export function changedFields(before: object | null | undefined, after: object | null | undefined): AuditChange[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const changes: AuditChange[] = [];
  for (const field of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (NOT_AUDITED.has(field)) continue;
    const was = plain(b[field]);
    const now = plain(a[field]);
    if (JSON.stringify(was) !== JSON.stringify(now)) changes.push({ field, before: was, after: now });
  }
  return changes;
}

export function actorOf(who: RequestContext | AuditActor): AuditActor {
  if (!('caller' in who)) return who;
  return { tenantId: who.caller.tenantId, userId: who.caller.userId, requestId: who.requestId ?? null, ip: who.ip ?? null, traceparent: who.traceparent };
}

/**
 * The operation log of one service: each entry goes out through the outbox on
 * `<service>.audit.v1` in the transaction of the change it describes, so there is no entry for a
 * rolled-back change and no change without its entry.
 *
 *   const audit = auditTrail('sales');
 *   await audit(m, ctx, { objectType: 'customer', objectId: id, action: 'update', before, after });
 */
export function auditTrail(service: BusinessServiceName): AuditTrail {
  const def = AUDIT_EVENTS.find((e) => e.source === `/crm/${service}`)!;
  return async (m, who, change) => {
    const actor = actorOf(who);
    const entry: AuditEntryData = {
      id: newId(),
      tenantId: actor.tenantId,
      service,
      objectType: change.objectType,
      objectId: change.objectId,
      action: change.action,
      actorId: actor.userId,
      at: new Date().toISOString(),
      requestId: actor.requestId ?? null,
      ip: actor.ip ?? null,
      changes: changedFields(change.before, change.after),
    };
    await publishInTransaction(m, def, { tenantId: actor.tenantId, subject: entry.objectId, data: entry, traceparent: actor.traceparent });
    return entry;
  };
}

/** Many entries of one actor in one outbox INSERT (bulk work such as an import); same entries as `auditTrail`. */
export type BulkAuditTrail = (m: EntityManager, who: RequestContext | AuditActor, changes: AuditedChange[]) => Promise<AuditEntryData[]>;

export function bulkAuditTrail(service: BusinessServiceName): BulkAuditTrail {
  const def = AUDIT_EVENTS.find((e) => e.source === `/crm/${service}`)!;
  return async (m, who, changes) => {
    const actor = actorOf(who);
    const at = new Date().toISOString();
    const entries = changes.map((change): AuditEntryData => ({
      id: newId(),
      tenantId: actor.tenantId,
      service,
      objectType: change.objectType,
      objectId: change.objectId,
      action: change.action,
      actorId: actor.userId,
      at,
      requestId: actor.requestId ?? null,
      ip: actor.ip ?? null,
      changes: changedFields(change.before, change.after),
    }));
    await publishManyInTransaction(
      m,
      def,
      entries.map((entry) => ({ tenantId: actor.tenantId, subject: entry.objectId, data: entry, traceparent: actor.traceparent })),
    );
    return entries;
  };
}
