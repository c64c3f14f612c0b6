import { randomUUID } from 'node:crypto';
import { MarketingNotificationRequested, NotificationData } from '@crm/contracts';
import { IdentityEventsFixture } from '@crm/testing';
import { RunningIdentity, bootIdentity, call, tenantWithAdmin } from './support';

jest.setTimeout(60_000);

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Messages other services send land in the recipients' inboxes, once; each reads and marks only their own. */
describe('identity: notification inboxes', () => {
  let identity: RunningIdentity;
  let marketing: IdentityEventsFixture; // publishes as a business service would, through an outbox
  let acme: Awaited<ReturnType<typeof tenantWithAdmin>>;
  let other: Awaited<ReturnType<typeof tenantWithAdmin>>;

  beforeAll(async () => {
    identity = await bootIdentity({ label: 'identity_notifications' });
    acme = await tenantWithAdmin(identity, 'notify-acme');
    other = await tenantWithAdmin(identity, 'notify-other');
    marketing = await IdentityEventsFixture.start('identity_notifications_sender');
  });
  afterAll(async () => {
    await marketing?.close();
    await identity?.app.close();
  });

  const message = (recipientIds: string[], title: string): NotificationData => ({
    id: randomUUID(),
    tenantId: acme.tenant.id,
    service: 'marketing',
    recipientIds,
    kind: 'pool.remind-no-follow-up',
    title,
    body: `${title}: details`,
    subject: { objectType: 'customer-pool', objectId: randomUUID() },
    at: new Date().toISOString(),
  });
  const inbox = (token: string, query = '') => call(identity.url, 'GET', `/api/v1/notifications${query}`, { token });

  it('files each message once per recipient, lists it newest first with the unread count, and marks read', async () => {
    const first = message([acme.admin.id], 'First reminder');
    await marketing.publish(MarketingNotificationRequested, first);
    await marketing.publish(MarketingNotificationRequested, first); // the same message again: still one
    const second = message([acme.admin.id], 'Second reminder');
    await marketing.publish(MarketingNotificationRequested, second);
    const page = await eventually(async () => {
      const res = await inbox(acme.token);
      return res.body.total === 2 ? res.body : undefined;
    }, 'two messages');
    expect(page.unread).toBe(2);
    expect(page.items.map((n: { title: string }) => n.title)).toEqual(['Second reminder', 'First reminder']);
    expect(page.items[1]).toMatchObject({ id: first.id, service: 'marketing', kind: 'pool.remind-no-follow-up', body: 'First reminder: details', subject: first.subject, readAt: null });

    const read = await call(identity.url, 'POST', `/api/v1/notifications/${first.id}/read`, { token: acme.token });
    expect(read.status).toBe(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    expect((await inbox(acme.token, '?unread=true')).body.items.map((n: { id: string }) => n.id)).toEqual([second.id]);
    expect((await call(identity.url, 'POST', '/api/v1/notifications/read-all', { token: acme.token })).body).toEqual({ marked: 1 });
    expect((await inbox(acme.token)).body.unread).toBe(0);
  });

  it('is personal: another user neither sees nor marks it; bad input is a 4xx', async () => {
    const mine = message([acme.admin.id], 'Only for acme admin');
    await marketing.publish(MarketingNotificationRequested, mine);
    await eventually(async () => ((await inbox(acme.token)).body.items.some((n: { id: string }) => n.id === mine.id) ? true : undefined), 'delivered');
    expect((await inbox(other.token)).body.total).toBe(0);
    expect((await call(identity.url, 'POST', `/api/v1/notifications/${mine.id}/read`, { token: other.token })).status).toBe(404);
    expect((await call(identity.url, 'POST', '/api/v1/notifications/not-an-id/read', { token: acme.token })).status).toBe(404);
    expect((await inbox(acme.token, '?unread=maybe')).status).toBe(400);
    expect((await inbox('')).status).toBe(401);
  });
});
