import { CompressionTypes, Consumer, IHeaders, Kafka, Producer, logLevel } from 'kafkajs';
import { RunningBroker } from '../src';
import { kcat, startTestBroker, uniqueName, waitFor } from './support';

/**
 * kcat (librdkafka 2.0.2) and kafkajs 2.2.4 on the same broker: what one writes, the other reads
 * with keys, headers and timestamps intact.
 */

interface Received {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  timestamp: string;
}

const RETRY = { retries: 3, initialRetryTime: 50, maxRetryTime: 500 };

let broker: RunningBroker;
let kafka: Kafka;
let cleanups: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  broker = await startTestBroker();
  kafka = new Kafka({ clientId: 'cross-client', brokers: [broker.address], logLevel: logLevel.NOTHING, retry: RETRY });
});

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  cleanups = [];
  await broker.stop();
});

async function createTopic(topic: string, numPartitions = 1): Promise<void> {
  const admin = kafka.admin({ retry: RETRY });
  cleanups.push(() => admin.disconnect());
  await admin.connect();
  expect(await admin.createTopics({ topics: [{ topic, numPartitions }] })).toBe(true);
  await admin.disconnect();
}

async function newProducer(): Promise<Producer> {
  const producer = kafka.producer({ retry: RETRY });
  cleanups.push(() => producer.disconnect());
  await producer.connect();
  return producer;
}

/** Consumes `count` messages from the beginning with kafkajs, waits a little for extras, returns all. */
async function consumeWithKafkajs(topic: string, count: number): Promise<Received[]> {
  const consumer: Consumer = kafka.consumer({
    groupId: uniqueName('cross-group'),
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    rebalanceTimeout: 10_000,
    maxWaitTimeInMs: 100,
    retry: RETRY,
  });
  cleanups.push(() => consumer.disconnect());
  const got: Received[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message: m }) =>
      void got.push({ partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers ?? {}, timestamp: m.timestamp }),
  });
  await waitFor(() => got.length >= count, 20_000, `${count} messages (have ${got.length})`);
  await new Promise((r) => setTimeout(r, 300));
  await consumer.disconnect();
  return got;
}

const buf = (s: string) => Buffer.from(s);

describe('kcat <-> kafkajs through the embedded broker', () => {
  it('kcat produces keys, headers and a tombstone; kafkajs reads them intact with produce-time timestamps', async () => {
    const topic = uniqueName('kcat-to-kafkajs');
    await createTopic(topic);

    const before = Date.now();
    const produced = await kcat(
      ['-P', '-b', broker.address, '-t', topic, '-p', '0', '-K', ':', '-Z', '-H', 'source=kcat', '-H', 'trace=two words', '-H', 'source=again'],
      'order-1:created\nno key line\norder-3:\norder-4:{"total":42}\n',
    );
    const after = Date.now();
    expect(produced).toMatchObject({ code: 0 });

    const got = await consumeWithKafkajs(topic, 4);
    expect(got.map((m) => [m.partition, m.offset])).toEqual([
      [0, '0'],
      [0, '1'],
      [0, '2'],
      [0, '3'],
    ]);
    expect(got.map((m) => m.key)).toEqual([buf('order-1'), null, buf('order-3'), buf('order-4')]);
    // -Z sends the empty value of "order-3:" as null: a tombstone.
    expect(got.map((m) => m.value)).toEqual([buf('created'), buf('no key line'), null, buf('{"total":42}')]);
    for (const m of got) {
      // A repeated header name comes back as an array, in order.
      expect(m.headers).toEqual({ source: [buf('kcat'), buf('again')], trace: buf('two words') });
      // kcat (librdkafka) cannot set an explicit timestamp: it stamps CreateTime at produce time.
      expect(Number(m.timestamp)).toBeGreaterThanOrEqual(before);
      expect(Number(m.timestamp)).toBeLessThanOrEqual(after);
    }
  });

  it('kcat produces gzip-compressed messages that kafkajs decodes', async () => {
    const topic = uniqueName('kcat-gzip');
    await createTopic(topic);
    const lines = Array.from({ length: 30 }, (_, i) => `k${i}:compressed value ${i} ${'z'.repeat(100)}`);
    const produced = await kcat(['-P', '-b', broker.address, '-t', topic, '-p', '0', '-K', ':', '-z', 'gzip'], lines.join('\n') + '\n');
    expect(produced).toMatchObject({ code: 0 });

    const got = await consumeWithKafkajs(topic, 30);
    expect(got.map((m) => `${m.key!.toString()}:${m.value!.toString()}`)).toEqual(lines);
    expect(got.map((m) => Number(m.offset))).toEqual(lines.map((_, i) => i));
  });

  it('kafkajs produces keys, headers and explicit timestamps; kcat prints them exactly', async () => {
    const topic = uniqueName('kafkajs-to-kcat');
    await createTopic(topic);
    const producer = await newProducer();
    await producer.send({
      topic,
      messages: [
        { key: 'order-1', value: 'created', headers: { source: 'crm', trace: 'abc-123' }, timestamp: '1700000000123' },
        { key: 'order-2', value: 'updated', headers: { source: 'crm' }, timestamp: '1700000000456' },
      ],
    });
    // A gzip batch, and a timestamp earlier than the previous one (CreateTime is kept as given).
    await producer.send({
      topic,
      compression: CompressionTypes.GZIP,
      messages: [{ key: 'order-3', value: 'shipped', headers: { source: 'crm', 'x-b': 'with space' }, timestamp: '1600000000001' }],
    });

    const res = await kcat(['-C', '-b', broker.address, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k|%s|%h|%T|%o\n']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      [
        'order-1|created|source=crm,trace=abc-123|1700000000123|0',
        'order-2|updated|source=crm|1700000000456|1',
        'order-3|shipped|source=crm,x-b=with space|1600000000001|2',
        '',
      ].join('\n'),
    );

    // kcat's JSON envelope agrees, and reports the timestamps as CreateTime.
    const json = await kcat(['-C', '-b', broker.address, '-t', topic, '-o', 'beginning', '-e', '-q', '-J']);
    expect(json.code).toBe(0);
    const records = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { tstype: string; ts: number; key: string; payload: string; headers: string[] });
    expect(records.map((r) => [r.tstype, r.ts, r.key, r.payload, r.headers])).toEqual([
      ['create', 1700000000123, 'order-1', 'created', ['source', 'crm', 'trace', 'abc-123']],
      ['create', 1700000000456, 'order-2', 'updated', ['source', 'crm']],
      ['create', 1600000000001, 'order-3', 'shipped', ['source', 'crm', 'x-b', 'with space']],
    ]);
  });
});
