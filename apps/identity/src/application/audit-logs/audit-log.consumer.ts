import { AUDIT_EVENTS, AuditEntryData } from '@crm/contracts';
import { ConsumerOptions, EventHandler } from '@crm/messaging';

/** Stores an entry once: the inbox already drops redeliveries; the key drops a re-published copy. */
const storeEntry: EventHandler = async (event, m) => {
  const e = event.data as AuditEntryData;
  await m.query(
    `INSERT INTO audit_logs (id, tenant_id, service, object_type, object_id, action, actor_id, at, request_id, ip, changes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING`,
    [e.id, e.tenantId, e.service, e.objectType, e.objectId, e.action, e.actorId, e.at, e.requestId, e.ip, JSON.stringify(e.changes)],
  );
};

/** Identity keeps the operation log of every business service. */
export const auditLogConsumer: Omit<ConsumerOptions, 'log'> = {
  name: 'audit-log',
  topics: AUDIT_EVENTS.map((e) => e.topic),
  handlers: Object.fromEntries(AUDIT_EVENTS.map((e) => [e.type, storeEntry])),
};
