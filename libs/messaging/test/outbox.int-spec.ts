import { DataSource } from 'typeorm';
import { Kafka, logLevel } from 'kafkajs';
import { UserCreated as IdentityUserCreated, UserData, CloudEvent, defineEvent } from '@crm/contracts';
import { RunningBroker, startBroker } from '@crm/kafka-broker';
import { createTestDatabase, freePort, testInfraFromEnv } from '@crm/testing';
import { typeormOptions } from '@crm/persistence';
import { EventConsumer, MessagingTables1700000000200, OutboxRelay, deadLetterTopic, publishInTransaction } from '../src';

const TENANT = '0190a6e2-7b3c-7d4e-8f00-0000000000aa';
// The real definition on a topic of this run's own: other suites share the broker and identity's topics.
const UserCreated = defineEvent<UserData>({ ...IdentityUserCreated, topic: `test.outbox.user.${process.pid}.${Date.now()}` });
const user = (id: string, name = 'Li Na'): UserData => ({ ...UserCreated.example, id, tenantId: TENANT, name });
const uuid = (n: number) => `0190a6e2-7b3c-7d4e-8f00-${String(n).padStart(12, '0')}`;

async function openDatabase(label: string): Promise<{ ds: DataSource; url: string }> {
  const url = await createTestDatabase(testInfraFromEnv().postgresUrl, label);
  const ds = new DataSource(typeormOptions({ url, entities: [], migrations: [MessagingTables1700000000200] }));
  await ds.initialize();
  return { ds, url };
}

/** Reads every message of a topic from the beginning for `ms`, as an integrator would. */
async function readTopic(kafka: Kafka, topic: string, until: (n: number) => boolean, ms = 10_000) {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}`, sessionTimeout: 6000, maxWaitTimeInMs: 100 });
  const seen: { key: string; event: CloudEvent<UserData>; traceparent: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) =>
      void seen.push({ key: message.key!.toString(), event: JSON.parse(message.value!.toString()), traceparent: message.headers!.traceparent!.toString() }),
  });
  const deadline = Date.now() + ms;
  while (!until(seen.length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await consumer.disconnect();
  return seen;
}

describe('transactional outbox and relay', () => {
  let ds: DataSource;
  let url: string;
  let kafka: Kafka;
  let relay: OutboxRelay;
  const topic = UserCreated.topic;

  beforeAll(async () => {
    ({ ds, url } = await openDatabase('outbox'));
    kafka = new Kafka({ brokers: testInfraFromEnv().kafkaBrokers, logLevel: logLevel.NOTHING });
  });
  afterAll(async () => {
    await relay?.stop();
    await ds.destroy();
  });

  it('publishes a committed event as a CloudEvent keyed by its subject, and nothing for a rolled-back change', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    relay = new OutboxRelay(ds, producer, url, { pollIntervalMs: 200 });
    await relay.start();

    await expect(
      ds.transaction(async (m) => {
        await publishInTransaction(m, UserCreated, { tenantId: TENANT, subject: uuid(1), data: user(uuid(1), 'rolled back') });
        throw new Error('the change fails after the event was recorded');
      }),
    ).rejects.toThrow('the change fails');
    await ds.transaction((m) => publishInTransaction(m, UserCreated, { tenantId: TENANT, subject: uuid(2), data: user(uuid(2), 'committed') }));

    const seen = await readTopic(kafka, topic, (n) => n >= 1);
    await new Promise((r) => setTimeout(r, 500)); // a rolled-back event would have had time to appear
    const mine = (await readTopic(kafka, topic, () => false, 1500)).filter((s) => s.event.tenantid === TENANT && [uuid(1), uuid(2)].includes(s.key));
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(mine.map((s) => s.event.data.name)).toEqual(['committed']);
    const [{ key, event, traceparent }] = mine;
    expect(key).toBe(uuid(2));
    expect(event).toMatchObject({
      specversion: '1.0',
      source: '/crm/identity',
      type: 'crm.identity.user.created',
      subject: uuid(2),
      datacontenttype: 'application/json',
      dataschema: 'urn:crm:event:crm.identity.user.created:v1',
      tenantid: TENANT,
    });
    expect(new Date(event.time).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
    expect(n).toBe(0);
  });

  it('refuses to record an event outside a transaction', async () => {
    await expect(publishInTransaction(ds.manager, UserCreated, { tenantId: TENANT, subject: uuid(3), data: user(uuid(3)) })).rejects.toThrow(
      'must be published inside a transaction',
    );
  });
});

describe('relay while the broker is down', () => {
  it('loses no event: everything written while the broker was stopped is published when it returns', async () => {
    const { ds, url } = await openDatabase('outbox_broker_down');
    const port = await freePort();
    const dataDir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'relay-broker-'));
    let broker: RunningBroker = await startBroker({ port, dataDir });
    const kafka = new Kafka({ brokers: [broker.address], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } });
    const relay = new OutboxRelay(ds, kafka.producer({ idempotent: true, maxInFlightRequests: 1 }), url, { pollIntervalMs: 100 });
    await relay.start();
    try {
      const write = (i: number) => ds.transaction((m) => publishInTransaction(m, UserCreated, { tenantId: TENANT, subject: uuid(100 + i), data: user(uuid(100 + i), `u${i}`) }));
      for (let i = 0; i < 10; i++) await write(i);
      await broker.stop();
      for (let i = 10; i < 40; i++) await write(i); // the change commits even though the broker is away
      await new Promise((r) => setTimeout(r, 1500));
      expect(relay.failing).toBe(true);
      const [{ pending }] = await ds.query('SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL');
      expect(pending).toBeGreaterThanOrEqual(30);

      broker = await startBroker({ port, dataDir });
      const seen = await readTopic(kafka, UserCreated.topic, (n) => n >= 40, 20_000);
      expect(seen.map((s) => s.event.data.name).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `u${i}`).sort());
      expect(new Set(seen.map((s) => s.event.id)).size).toBe(40);
    } finally {
      await relay.stop();
      await broker.stop();
      await ds.destroy();
    }
  });
});

describe('idempotent consumer with a dead-letter topic', () => {
  it('applies a redelivered event once, and dead-letters one that keeps failing while the partition moves on', async () => {
    const { ds } = await openDatabase('inbox');
    await ds.query('CREATE TABLE applied (event_id uuid, name text)');
    const kafka = new Kafka({ brokers: testInfraFromEnv().kafkaBrokers, logLevel: logLevel.NOTHING });
    const topic = `test.inbox.${Date.now()}`;
    const consumer = new EventConsumer(kafka, ds, {
      name: `test.inbox-${Date.now()}`,
      topics: [topic],
      maxAttempts: 3,
      retryDelayMs: 10,
      handlers: {
        [UserCreated.type]: async (e, m) => {
          if (e.data.name === 'poison') throw new Error('cannot apply this one');
          await m.query('INSERT INTO applied VALUES ($1, $2)', [e.id, e.data.name]);
        },
      },
    });
    const event = (id: string, name: string): CloudEvent<UserData> => ({
      specversion: '1.0',
      id,
      source: '/crm/identity',
      type: UserCreated.type,
      subject: uuid(7),
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      dataschema: 'urn:crm:event:crm.identity.user.created:v1',
      tenantid: TENANT,
      data: user(uuid(7), name),
    });
    const producer = kafka.producer();
    await producer.connect();
    await consumer.start();
    try {
      const once = event(uuid(501), 'first');
      await producer.send({
        topic,
        messages: [
          { key: uuid(7), value: JSON.stringify(once) },
          { key: uuid(7), value: JSON.stringify(once) }, // redelivery of the same event
          { key: uuid(7), value: JSON.stringify(event(uuid(502), 'poison')) },
          { key: uuid(7), value: 'not json at all' },
          { key: uuid(7), value: JSON.stringify(event(uuid(503), 'after the poison')) },
        ],
      });
      const deadline = Date.now() + 15_000;
      let rows: { name: string }[] = [];
      while (Date.now() < deadline) {
        rows = await ds.query('SELECT name FROM applied ORDER BY name');
        if (rows.length >= 2) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(rows.map((r) => r.name)).toEqual(['after the poison', 'first']);
      const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM inbox');
      expect(n).toBe(2);

      const dlq = kafka.consumer({ groupId: `dlq-reader-${Date.now()}`, sessionTimeout: 6000, maxWaitTimeInMs: 100 });
      const dead: { value: string; reason: string; offset: string }[] = [];
      await dlq.connect();
      await dlq.subscribe({ topic: deadLetterTopic(topic), fromBeginning: true });
      await dlq.run({
        eachMessage: async ({ message }) =>
          void dead.push({ value: message.value!.toString(), reason: message.headers!['x-dlq-reason']!.toString(), offset: message.headers!['x-dlq-original-offset']!.toString() }),
      });
      const until = Date.now() + 10_000;
      while (dead.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      await dlq.disconnect();
      expect(dead.map((d) => d.offset)).toEqual(['2', '3']);
      expect(dead[0].reason).toBe('cannot apply this one');
      expect(dead[1].value).toBe('not json at all');
    } finally {
      await consumer.stop();
      await producer.disconnect();
      await ds.destroy();
    }
  });
});
