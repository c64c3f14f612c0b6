import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { CloudEvent, DepartmentCreated, DepartmentData, DepartmentUpdated, UserCreated, UserData, dataschemaOf } from '@crm/contracts';
import { RunningBroker, startBroker } from '@crm/kafka-broker';
import { deadLetterTopic } from '@crm/messaging';
import { IdentityEventsFixture } from './identity-events.fixture';
import { createTestDatabase, testInfraFromEnv } from './test-infra';

export interface OrgProjectionSubject {
  /** The service name, which prefixes its consumer group: `<service>.org-projection`. */
  service: string;
  /** Boots the service in-process from this environment, listening. */
  start(env: NodeJS.ProcessEnv): Promise<INestApplication>;
}

async function eventually<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The same suite for every service that keeps the org projection (marketing, sales, after-sales):
 * the service runs in-process on a test database and a real broker, and identity's events reach
 * it through an outbox and the relay, as in production.
 */
export function describeOrgProjection(subject: OrgProjectionSubject): void {
  const consumer = `${subject.service}.org-projection`;

  describe(`${subject.service}: the org projection fed by identity's events`, () => {
    const tenantId = randomUUID();
    let app: INestApplication;
    let db: Client;
    let identity: IdentityEventsFixture;
    let broker: RunningBroker;

    const department = (name: string, id = randomUUID()): DepartmentData => ({ id, tenantId, name, parentId: null, managerId: null, path: `/${id}/` });
    const user = (departmentId: string, id = randomUUID()): UserData => ({
      ...UserCreated.example,
      id,
      tenantId,
      username: `u-${id.slice(0, 8)}`,
      departmentId,
      roleCodes: ['account-manager'],
    });
    const departmentRow = async (id: string) => (await db.query('SELECT name, event_time FROM org_departments WHERE id = $1', [id])).rows[0];
    const userRow = async (id: string) => (await db.query('SELECT username, department_id, role_codes FROM org_users WHERE id = $1', [id])).rows[0];
    const inboxRows = async (eventId: string) => Number((await db.query('SELECT count(*) FROM inbox WHERE event_id = $1 AND consumer = $2', [eventId, consumer])).rows[0].count);

    beforeAll(async () => {
      // A broker of its own: the suite puts malformed messages on identity's real topics, which
      // must not reach other suites reading those topics, nor share this service's consumer group.
      broker = await startBroker({ port: 0 });
      const url = await createTestDatabase(testInfraFromEnv().postgresUrl, `${subject.service}_org`);
      app = await subject.start({
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: url,
        KAFKA_BROKERS: broker.address,
        JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json', // never fetched: no request carries a token here
        LOG_LEVEL: 'silent',
      });
      db = new Client({ connectionString: url });
      await db.connect();
      identity = await IdentityEventsFixture.start(`${subject.service}_identity`, [broker.address]);
      // The consumer joins its group in the background after boot: wait for it once, generously.
      const warmUp = department('warm-up');
      await identity.publish(DepartmentCreated, warmUp);
      await eventually(() => departmentRow(warmUp.id), 30_000, 'the warm-up department');
    }, 60_000);

    afterAll(async () => {
      await identity?.close();
      await db?.end();
      await app?.close();
      await broker?.stop();
    });

    it('has the departments and users identity creates within a second', async () => {
      const d = department('East China Sales');
      const u = user(d.id);
      const started = Date.now();
      await identity.publish(DepartmentCreated, d);
      await identity.publish(UserCreated, u);
      const [dRow, uRow] = await Promise.all([
        eventually(() => departmentRow(d.id), 1000, 'department'),
        eventually(() => userRow(u.id), 1000, 'user'),
      ]);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(dRow.name).toBe('East China Sales');
      expect(uRow).toEqual({ username: u.username, department_id: d.id, role_codes: ['account-manager'] });
    });

    it('changes nothing twice when an event is delivered again, and an older state never overwrites a newer one', async () => {
      const d = department('v0');
      await identity.publish(DepartmentCreated, d);
      const first = await identity.publish(DepartmentUpdated, { ...d, name: 'v1' });
      await eventually(async () => ((await departmentRow(d.id))?.name === 'v1' ? true : undefined), 1000, 'v1');
      const second = await identity.publish(DepartmentUpdated, { ...d, name: 'v2' });
      await eventually(async () => ((await departmentRow(d.id))?.name === 'v2' ? true : undefined), 1000, 'v2');

      // The same CloudEvent (same id) delivered again, and an out-of-order copy with a new id.
      await identity.sendRaw(DepartmentUpdated.topic, d.id, JSON.stringify(first));
      const stale = { ...first, id: randomUUID(), data: { ...first.data, name: 'stale' } };
      await identity.sendRaw(DepartmentUpdated.topic, d.id, JSON.stringify(stale));
      // One partition per topic: once a later event is applied, the two above have been handled.
      const marker = department('marker');
      await identity.publish(DepartmentCreated, marker);
      await eventually(() => departmentRow(marker.id), 5000, 'the marker department');

      const row = await departmentRow(d.id);
      expect(row.name).toBe('v2');
      expect(new Date(row.event_time).toISOString()).toBe(second.time);
      expect(await inboxRows(first.id)).toBe(1);
      expect(await inboxRows(stale.id)).toBe(1);
    });

    it(`sends malformed messages to <topic>.dlq after its retries and keeps consuming`, async () => {
      const notJsonKey: string = randomUUID();
      const badKey: string = randomUUID();
      // A valid envelope whose data breaks the projection's constraints: retried, then dead-lettered.
      const badEvent: CloudEvent<unknown> = {
        specversion: '1.0',
        id: randomUUID(),
        source: UserCreated.source,
        type: UserCreated.type,
        subject: badKey,
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        dataschema: dataschemaOf(UserCreated),
        tenantid: tenantId,
        data: { id: badKey, tenantId },
      };
      await identity.sendRaw(UserCreated.topic, notJsonKey, '{ this is not a CloudEvent');
      await identity.sendRaw(UserCreated.topic, badKey, JSON.stringify(badEvent));
      const after = user(randomUUID());
      await identity.publish(UserCreated, after);
      await eventually(() => userRow(after.id), 15_000, 'the user published after the malformed messages');

      const mine = (seen: { key: Buffer | null; headers?: Record<string, unknown> }[]) =>
        seen.filter((m) => String(m.headers?.['x-dlq-consumer']) === consumer && [notJsonKey, badKey].includes(String(m.key)));
      const dead = mine(await identity.readTopic(deadLetterTopic(UserCreated.topic), (seen) => mine(seen).length >= 2));
      expect(dead.map((m) => String(m.key))).toEqual([notJsonKey, badKey]);
      expect(String(dead[0].headers?.['x-dlq-reason'])).toMatch(/JSON|CloudEvent/);
      expect(String(dead[1].headers?.['x-dlq-reason'])).toMatch(/null value/);
      expect(String(dead[1].headers?.['x-dlq-original-topic'])).toBe(UserCreated.topic);
      expect(await inboxRows(badEvent.id)).toBe(0);
      expect(await userRow(badKey)).toBeUndefined();
    }, 30_000);
  });
}
