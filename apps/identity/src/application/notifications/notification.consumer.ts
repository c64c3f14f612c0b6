import { NOTIFICATION_EVENTS, NotificationData } from '@crm/contracts';
import { ConsumerOptions, EventHandler } from '@crm/messaging';

/** Files a message in each recipient's inbox once, whatever the redeliveries. */
const deliver: EventHandler = async (event, m) => {
  const n = event.data as NotificationData;
  await m.query(
    `INSERT INTO notifications (id, recipient_id, tenant_id, service, kind, title, body, subject_type, subject_id, at)
     SELECT $1, r, $3, $4, $5, $6, $7, $8, $9, $10 FROM unnest($2::uuid[]) AS r
     ON CONFLICT (id, recipient_id) DO NOTHING`,
    [n.id, n.recipientIds, n.tenantId, n.service, n.kind, n.title, n.body, n.subject?.objectType ?? null, n.subject?.objectId ?? null, n.at],
  );
};

export const notificationConsumer: Omit<ConsumerOptions, 'log'> = {
  name: 'notifications',
  topics: NOTIFICATION_EVENTS.map((e) => e.topic),
  handlers: Object.fromEntries(NOTIFICATION_EVENTS.map((e) => [e.type, deliver])),
};
