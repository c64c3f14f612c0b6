import { EntityManager } from 'typeorm';
import { BusinessServiceName, NOTIFICATION_EVENTS, NotificationData } from '@crm/contracts';
import { newId } from '@crm/kernel';
import { publishInTransaction } from '@crm/messaging';

export type NotificationRequest = Omit<NotificationData, 'id' | 'service' | 'at' | 'subject'> & { subject?: NotificationData['subject'] };

/** Puts a message in users' inboxes, through the outbox of the transaction that decided to send it. */
export type Notifier = (m: EntityManager, n: NotificationRequest) => Promise<NotificationData>;

/**
 *   const notify = notifier('marketing');
 *   await notify(m, { tenantId, recipientIds: admins, kind: 'pool.remind-no-follow-up', title, body });
 */
export function notifier(service: BusinessServiceName): Notifier {
  const def = NOTIFICATION_EVENTS.find((e) => e.source === `/crm/${service}`)!;
  return async (m, n) => {
    const data: NotificationData = { id: newId(), service, at: new Date().toISOString(), ...n, subject: n.subject ?? null };
    await publishInTransaction(m, def, { tenantId: n.tenantId, subject: data.id, data });
    return data;
  };
}
