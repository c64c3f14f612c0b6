import {
  Admin,
  AssignerProtocol,
  CompressionTypes,
  Consumer,
  ConsumerConfig,
  IHeaders,
  Kafka,
  KafkaMessage,
  Producer,
  ProducerConfig,
  logLevel,
} from 'kafkajs';
import { RunningBroker } from '../src';
import { startTestBroker, uniqueName, waitFor } from './support';

/** kafkajs 2.2.4 against the embedded broker: admin, producer and consumer-group behaviour. */

interface Received {
  topic: string;
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
  kafka = new Kafka({ clientId: 'kafkajs-int', brokers: [broker.address], logLevel: logLevel.NOTHING, retry: RETRY });
});

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  cleanups = [];
  await broker.stop();
});

async function newAdmin(): Promise<Admin> {
  const admin = kafka.admin({ retry: RETRY });
  cleanups.push(() => admin.disconnect());
  await admin.connect();
  return admin;
}

async function newProducer(config: ProducerConfig = {}): Promise<Producer> {
  const producer = kafka.producer({ retry: RETRY, ...config });
  cleanups.push(() => producer.disconnect());
  await producer.connect();
  return producer;
}

function newConsumer(groupId: string, config: Partial<ConsumerConfig> = {}): Consumer {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    rebalanceTimeout: 10_000,
    maxWaitTimeInMs: 100,
    retry: RETRY,
    ...config,
  });
  cleanups.push(() => consumer.disconnect());
  return consumer;
}

async function createTopic(topic: string, numPartitions = 1): Promise<void> {
  const admin = await newAdmin();
  expect(await admin.createTopics({ topics: [{ topic, numPartitions }] })).toBe(true);
}

function toReceived(topic: string, partition: number, m: KafkaMessage): Received {
  return { topic, partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers ?? {}, timestamp: m.timestamp };
}

/** Resolves once the consumer has completed a join (SyncGroup done) and has fetched at least once. */
function joinedAndFetched(consumer: Consumer): Promise<void> {
  return new Promise((resolve) => {
    let joined = false;
    const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    const offFetch = consumer.on(consumer.events.FETCH, () => {
      if (!joined) return;
      offJoin();
      offFetch();
      resolve();
    });
  });
}

/**
 * Consumes with a fresh consumer until `count` messages have arrived, waits `graceMs` more to catch
 * any extra (unexpected) delivery, disconnects and returns everything received.
 */
async function consume(
  topics: string[],
  count: number,
  opts: { groupId?: string; fromBeginning?: boolean; graceMs?: number } = {},
): Promise<Received[]> {
  const consumer = newConsumer(opts.groupId ?? uniqueName('g'));
  const got: Received[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: opts.fromBeginning ?? true });
  await consumer.run({ eachMessage: async ({ topic, partition, message }) => void got.push(toReceived(topic, partition, message)) });
  await waitFor(() => got.length >= count, 20_000, `${count} messages (have ${got.length})`);
  await new Promise((r) => setTimeout(r, opts.graceMs ?? 300));
  await consumer.disconnect();
  return got;
}

const buf = (s: string) => Buffer.from(s);
const values = (rs: Received[]) => rs.map((r) => r.value?.toString() ?? null);

describe('kafkajs 2.2.4 against the embedded broker', () => {
  describe('admin', () => {
    it('creates topics (and reports an existing one), lists, describes and deletes them', async () => {
      const admin = await newAdmin();
      const topic = uniqueName('admin-topic');
      const other = uniqueName('admin-other');

      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }, { topic: other }] })).toBe(true);
      // Already there: kafkajs maps an all-TOPIC_ALREADY_EXISTS answer to false.
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(false);

      const listed = await admin.listTopics();
      expect(listed).toEqual(expect.arrayContaining([topic, other]));

      const meta = await admin.fetchTopicMetadata({ topics: [topic, other] });
      const byName = new Map(meta.topics.map((t) => [t.name, t]));
      expect(byName.get(topic)!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
      expect(byName.get(other)!.partitions).toHaveLength(1);
      for (const p of byName.get(topic)!.partitions) {
        expect(p).toMatchObject({ partitionErrorCode: 0, leader: 1, replicas: [1], isr: [1] });
      }

      await admin.deleteTopics({ topics: [topic] });
      const after = await admin.listTopics();
      expect(after).not.toContain(topic);
      expect(after).toContain(other);
    });

    it('fetchTopicOffsets reports low/high watermarks per partition', async () => {
      const topic = uniqueName('offsets');
      await createTopic(topic, 2);
      const producer = await newProducer();
      await producer.send({ topic, messages: [0, 1, 2].map((i) => ({ value: `a${i}`, partition: 0 })) });
      await producer.send({ topic, messages: [{ value: 'b0', partition: 1 }] });

      const admin = await newAdmin();
      const offsets = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
      expect(offsets).toEqual([
        { partition: 0, offset: '3', high: '3', low: '0' },
        { partition: 1, offset: '1', high: '1', low: '0' },
      ]);
    });

    it('describeGroups and listGroups show a joined consumer', async () => {
      const topic = uniqueName('describe');
      const groupId = uniqueName('describe-group');
      await createTopic(topic, 2);
      const consumer = newConsumer(groupId);
      let memberId = '';
      consumer.on(consumer.events.GROUP_JOIN, (e) => (memberId = e.payload.memberId));
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      const ready = joinedAndFetched(consumer);
      await consumer.run({ eachMessage: async () => undefined });
      await ready;

      const admin = await newAdmin();
      const { groups } = await admin.describeGroups([groupId]);
      expect(groups).toHaveLength(1);
      const g = groups[0];
      expect(g).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
      expect(g.members).toHaveLength(1);
      expect(g.members[0].memberId).toBe(memberId);
      expect(g.members[0].clientId).toBe('kafkajs-int');
      const assignment = AssignerProtocol.MemberAssignment.decode(g.members[0].memberAssignment)!;
      expect(assignment.assignment).toEqual({ [topic]: [0, 1] });
      const metadata = AssignerProtocol.MemberMetadata.decode(g.members[0].memberMetadata)!;
      expect(metadata.topics).toEqual([topic]);

      const listed = await admin.listGroups();
      expect(listed.groups).toContainEqual({ groupId, protocolType: 'consumer' });
    });
  });

  describe('producer', () => {
    it('acks 1 and -1 return offsets; acks 0 messages arrive', async () => {
      const topic = uniqueName('acks');
      await createTopic(topic);
      const producer = await newProducer();

      const r1 = await producer.send({ topic, acks: 1, messages: [{ value: 'one-a' }, { value: 'one-b' }] });
      expect(r1).toEqual([expect.objectContaining({ topicName: topic, partition: 0, errorCode: 0, baseOffset: '0' })]);
      const rAll = await producer.send({ topic, acks: -1, messages: [{ value: 'all-a' }] });
      expect(rAll).toEqual([expect.objectContaining({ topicName: topic, partition: 0, errorCode: 0, baseOffset: '2' })]);
      // acks 0: the broker sends no response; kafkajs resolves without one.
      await producer.send({ topic, acks: 0, messages: [{ value: 'zero-a' }, { value: 'zero-b' }] });
      await producer.send({ topic, acks: 0, messages: [{ value: 'zero-c' }] });
      // A request after acks=0 ones on the same connection still gets its own answer.
      const rLast = await producer.send({ topic, acks: 1, messages: [{ value: 'last' }] });
      expect(rLast[0].baseOffset).toBe('6');

      const got = await consume([topic], 7);
      expect(values(got)).toEqual(['one-a', 'one-b', 'all-a', 'zero-a', 'zero-b', 'zero-c', 'last']);
      expect(got.map((m) => m.offset)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    });

    it('gzip-compressed batches round-trip', async () => {
      const topic = uniqueName('gzip');
      await createTopic(topic);
      const producer = await newProducer();
      const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `gzip value ${i} `.repeat(20) }));
      await producer.send({ topic, compression: CompressionTypes.GZIP, messages });
      await producer.send({ topic, compression: CompressionTypes.GZIP, messages: [{ key: 'tail', value: 'tail' }] });

      const got = await consume([topic], 51);
      expect(got.map((m) => m.key!.toString())).toEqual([...messages.map((m) => m.key), 'tail']);
      expect(values(got)).toEqual([...messages.map((m) => m.value), 'tail']);
      expect(got.map((m) => Number(m.offset))).toEqual(Array.from({ length: 51 }, (_, i) => i));
    });

    it('sendBatch writes to two topics in one request', async () => {
      const t1 = uniqueName('batch-a');
      const t2 = uniqueName('batch-b');
      await createTopic(t1);
      await createTopic(t2);
      const producer = await newProducer();
      const result = await producer.sendBatch({
        topicMessages: [
          { topic: t1, messages: [{ value: 'a1' }, { value: 'a2' }] },
          { topic: t2, messages: [{ value: 'b1' }] },
        ],
      });
      expect(result.map((r) => [r.topicName, r.partition, r.errorCode, r.baseOffset]).sort()).toEqual(
        [
          [t1, 0, 0, '0'],
          [t2, 0, 0, '0'],
        ].sort(),
      );

      const got = await consume([t1, t2], 3);
      expect(values(got.filter((m) => m.topic === t1))).toEqual(['a1', 'a2']);
      expect(values(got.filter((m) => m.topic === t2))).toEqual(['b1']);
    });

    it('explicit partition, keys (incl. null), tombstones and headers round-trip byte for byte', async () => {
      const topic = uniqueName('bytes');
      await createTopic(topic, 3);
      const producer = await newProducer();
      const binary = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0x00]);
      const sent = [
        { key: buf('k1'), value: buf('v1'), headers: { str: 'text', bin: Buffer.from([0, 1, 2, 254, 255]) } },
        { key: null, value: buf('no key') },
        { key: buf('deleted'), value: null, headers: { reason: 'tombstone' } },
        { key: binary, value: Buffer.concat([binary, binary]), headers: { empty: '', multi: ['x', 'y'] } },
        { key: buf(''), value: buf('') },
      ];
      const result = await producer.send({ topic, messages: sent.map((m) => ({ ...m, partition: 2 })) });
      expect(result).toEqual([expect.objectContaining({ partition: 2, errorCode: 0, baseOffset: '0' })]);

      const admin = await newAdmin();
      const offsets = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
      expect(offsets.map((o) => o.high)).toEqual(['0', '0', '5']);

      const got = await consume([topic], sent.length);
      expect(got.map((m) => [m.partition, m.offset])).toEqual(sent.map((_, i) => [2, String(i)]));
      expect(got[0].key).toEqual(buf('k1'));
      expect(got[0].value).toEqual(buf('v1'));
      expect(got[0].headers).toEqual({ str: buf('text'), bin: Buffer.from([0, 1, 2, 254, 255]) });
      expect(got[1].key).toBeNull();
      expect(got[1].value).toEqual(buf('no key'));
      expect(got[1].headers).toEqual({});
      expect(got[2].key).toEqual(buf('deleted'));
      expect(got[2].value).toBeNull();
      expect(got[2].headers).toEqual({ reason: buf('tombstone') });
      expect(got[3].key).toEqual(binary);
      expect(got[3].value).toEqual(Buffer.concat([binary, binary]));
      expect(got[3].headers).toEqual({ empty: buf(''), multi: [buf('x'), buf('y')] });
      // Empty (not null) key and value stay empty.
      expect(got[4].key).toEqual(buf(''));
      expect(got[4].value).toEqual(buf(''));
    });

    it('an idempotent producer writes each message exactly once, in order', async () => {
      const topic = uniqueName('idempotent');
      await createTopic(topic, 2);
      const producer = await newProducer({ idempotent: true, maxInFlightRequests: 1 });
      for (let round = 0; round < 5; round++) {
        const res = await producer.send({
          topic,
          acks: -1,
          messages: [0, 1, 2].map((i) => ({ value: `r${round}-${i}`, partition: round % 2 })),
        });
        expect(res[0].errorCode).toBe(0);
      }
      const got = await consume([topic], 15);
      for (const p of [0, 1]) {
        const rounds = [0, 1, 2, 3, 4].filter((r) => r % 2 === p);
        const expected = rounds.flatMap((r) => [0, 1, 2].map((i) => `r${r}-${i}`));
        const mine = got.filter((m) => m.partition === p);
        expect(values(mine)).toEqual(expected);
        expect(mine.map((m) => Number(m.offset))).toEqual(expected.map((_, i) => i));
      }
    });

    it('rejects a 2 MB message with MESSAGE_TOO_LARGE and keeps working afterwards', async () => {
      const topic = uniqueName('too-large');
      await createTopic(topic);
      const producer = await newProducer();
      const big = Buffer.alloc(2 * 1024 * 1024, 'x');
      const error = await producer.send({ topic, messages: [{ value: big }] }).then(
        () => null,
        (e: unknown) => e as { name: string; type?: string; retriable?: boolean },
      );
      expect(error).not.toBeNull();
      expect(error).toMatchObject({ name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE', retriable: false });

      const res = await producer.send({ topic, messages: [{ value: 'small' }] });
      expect(res[0]).toMatchObject({ errorCode: 0, baseOffset: '0' });
      const got = await consume([topic], 1);
      expect(values(got)).toEqual(['small']);
      expect(got[0].offset).toBe('0');
    });
  });

  describe('consumer groups', () => {
    it('fromBeginning: true sees messages produced before it started', async () => {
      const topic = uniqueName('from-beginning');
      await createTopic(topic);
      const producer = await newProducer();
      await producer.send({ topic, messages: [{ value: 'old-1' }, { value: 'old-2' }, { value: 'old-3' }] });
      const got = await consume([topic], 3, { fromBeginning: true });
      expect(values(got)).toEqual(['old-1', 'old-2', 'old-3']);
    });

    it('fromBeginning: false sees only messages produced after it joined', async () => {
      const topic = uniqueName('from-end');
      await createTopic(topic);
      const producer = await newProducer();
      await producer.send({ topic, messages: [{ value: 'old-1' }, { value: 'old-2' }] });

      const consumer = newConsumer(uniqueName('g'));
      const got: Received[] = [];
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: false });
      const ready = joinedAndFetched(consumer);
      await consumer.run({ eachMessage: async ({ topic, partition, message }) => void got.push(toReceived(topic, partition, message)) });
      await ready; // offsets resolved to the log end

      await producer.send({ topic, messages: [{ value: 'new-1' }, { value: 'new-2' }] });
      await waitFor(() => got.length >= 2, 10_000, 'new messages');
      await new Promise((r) => setTimeout(r, 300));
      expect(values(got)).toEqual(['new-1', 'new-2']);
      expect(got.map((m) => m.offset)).toEqual(['2', '3']);
    });

    it('resumes from the committed offset after a restart', async () => {
      const topic = uniqueName('resume');
      const groupId = uniqueName('resume-group');
      await createTopic(topic);
      const producer = await newProducer();
      await producer.send({ topic, messages: [1, 2, 3, 4, 5].map((i) => ({ value: `first-${i}` })) });

      const first = await consume([topic], 5, { groupId });
      expect(values(first)).toEqual([1, 2, 3, 4, 5].map((i) => `first-${i}`));

      const admin = await newAdmin();
      expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual([
        { topic, partitions: [{ partition: 0, offset: '5', metadata: null }] },
      ]);
      const { groups } = await admin.describeGroups([groupId]);
      expect(groups[0].state).toBe('Empty');

      await producer.send({ topic, messages: [6, 7, 8].map((i) => ({ value: `second-${i}` })) });
      // fromBeginning only applies without a committed offset; the group has one.
      const second = await consume([topic], 3, { groupId, fromBeginning: true, graceMs: 500 });
      expect(values(second)).toEqual([6, 7, 8].map((i) => `second-${i}`));
      expect(second.map((m) => m.offset)).toEqual(['5', '6', '7']);
    });

    it('seek moves a running consumer to the given offset', async () => {
      const topic = uniqueName('seek');
      await createTopic(topic);
      const producer = await newProducer();
      await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });

      const consumer = newConsumer(uniqueName('g'));
      const got: Received[] = [];
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ topic, partition, message }) => void got.push(toReceived(topic, partition, message)) });
      consumer.seek({ topic, partition: 0, offset: '6' });
      await waitFor(() => got.length >= 4, 10_000, 'messages after seek');
      await new Promise((r) => setTimeout(r, 300));
      expect(got.map((m) => m.offset)).toEqual(['6', '7', '8', '9']);
      expect(values(got)).toEqual(['m6', 'm7', 'm8', 'm9']);

      // Seeking backwards while consuming replays from there.
      got.length = 0;
      consumer.seek({ topic, partition: 0, offset: '2' });
      await waitFor(() => got.length >= 8, 10_000, 'messages after second seek');
      await new Promise((r) => setTimeout(r, 300));
      expect(got.map((m) => m.offset)).toEqual(['2', '3', '4', '5', '6', '7', '8', '9']);
    });

    it('recovers from OFFSET_OUT_OF_RANGE after a committed offset beyond the log end', async () => {
      const topic = uniqueName('out-of-range');
      const groupId = uniqueName('oor-group');
      await createTopic(topic);
      const producer = await newProducer();
      await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });

      const admin = await newAdmin();
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1000000' }] });
      expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual([
        { topic, partitions: [{ partition: 0, offset: '1000000', metadata: null }] },
      ]);

      // The fetch at 1000000 fails with OFFSET_OUT_OF_RANGE; kafkajs resets to earliest (fromBeginning).
      const got = await consume([topic], 3, { groupId, fromBeginning: true });
      expect(values(got)).toEqual(['a', 'b', 'c']);
      expect(got.map((m) => m.offset)).toEqual(['0', '1', '2']);
      expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual([
        { topic, partitions: [{ partition: 0, offset: '3', metadata: null }] },
      ]);
    });

    it('recovers from OFFSET_OUT_OF_RANGE when retention deleted the committed offset', async () => {
      const topic = uniqueName('retention-oor');
      const groupId = uniqueName('retention-group');
      const admin = await newAdmin();
      // One batch per segment, and retention keeps only the newest segment.
      await admin.createTopics({
        topics: [{ topic, configEntries: [{ name: 'segment.bytes', value: '1' }, { name: 'retention.bytes', value: '1' }] }],
      });
      const producer = await newProducer();
      await producer.send({ topic, messages: [{ value: 'm0' }, { value: 'm1' }, { value: 'm2' }] });
      const first = await consume([topic], 3, { groupId });
      expect(values(first)).toEqual(['m0', 'm1', 'm2']);
      expect((await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions[0].offset).toBe('3');

      for (const v of ['n3', 'n4', 'n5']) await producer.send({ topic, messages: [{ value: v }] });
      expect(await admin.fetchTopicOffsets(topic)).toEqual([{ partition: 0, offset: '6', high: '6', low: '5' }]);

      // Committed offset 3 is below the log start (5): the fetch fails and kafkajs resets to earliest.
      const second = await consume([topic], 1, { groupId, fromBeginning: true, graceMs: 500 });
      expect(values(second)).toEqual(['n5']);
      expect(second[0].offset).toBe('5');
    });

    it('two members share a 4-partition topic; nothing is lost or handled twice across join and leave', async () => {
      const topic = uniqueName('shared');
      const groupId = uniqueName('shared-group');
      await createTopic(topic, 4);
      const producer = await newProducer();

      const handled = new Map<string, string[]>(); // value -> member names that handled it
      const assignments: Record<string, number[][]> = { A: [], B: [] };
      const start = async (name: string): Promise<Consumer> => {
        const c = newConsumer(groupId);
        c.on(c.events.GROUP_JOIN, (e) => assignments[name].push([...(e.payload.memberAssignment[topic] ?? [])].sort()));
        await c.connect();
        await c.subscribe({ topics: [topic], fromBeginning: true });
        await c.run({
          autoCommit: true,
          autoCommitThreshold: 1, // commit after every message, before the next one is handled
          eachMessage: async ({ message }) => {
            const v = message.value!.toString();
            handled.set(v, [...(handled.get(v) ?? []), name]);
          },
        });
        return c;
      };

      let produced = 0;
      const sent: string[] = [];
      const produce = async (n: number) => {
        for (let i = 0; i < n; i += 10) {
          const messages = Array.from({ length: Math.min(10, n - i) }, () => {
            const v = `msg-${produced++}`;
            sent.push(v);
            return { key: `key-${produced % 37}`, value: v };
          });
          await producer.send({ topic, messages });
          await new Promise((r) => setTimeout(r, 20));
        }
      };

      const last = (name: string) => assignments[name][assignments[name].length - 1] ?? [];
      const handledBy = (name: string) => [...handled.values()].filter((by) => by.includes(name)).length;

      // Phase 1: A alone owns every partition.
      const a = await start('A');
      await waitFor(() => assignments.A.length > 0, 15_000, 'A to join');
      expect(assignments.A[0]).toEqual([0, 1, 2, 3]);
      await produce(100);

      // Phase 2: B joins while messages keep coming; the two end up with two partitions each.
      const producing = produce(100);
      const b = await start('B');
      await producing;
      await waitFor(
        () => last('A').length === 2 && last('B').length === 2 && [...last('A'), ...last('B')].sort().join() === '0,1,2,3',
        15_000,
        `A and B to split the partitions (A ${JSON.stringify(assignments.A)}, B ${JSON.stringify(assignments.B)})`,
      );

      // Phase 3: both members are consuming; B handles the messages of its partitions.
      const handledByABefore = handledBy('A');
      await produce(100);
      await waitFor(() => handledBy('B') > 0 && handledBy('A') > handledByABefore, 15_000, 'both members to handle messages');

      // Phase 4: B leaves mid-stream; A takes every partition back.
      const joinsBefore = assignments.A.length;
      const producingMore = produce(100);
      await new Promise((r) => setTimeout(r, 50));
      await b.disconnect();
      await producingMore;
      await waitFor(() => assignments.A.length > joinsBefore && last('A').length === 4, 15_000, 'A to take all partitions back');
      expect(last('A')).toEqual([0, 1, 2, 3]);

      await waitFor(() => handled.size >= 400, 20_000, `all 400 messages (have ${handled.size})`);
      await new Promise((r) => setTimeout(r, 1000)); // room for late duplicates to show up
      await a.disconnect();

      expect(sent).toHaveLength(400);
      expect([...handled.keys()].sort()).toEqual([...sent].sort());
      const duplicates = [...handled].filter(([, by]) => by.length > 1);
      expect(duplicates).toEqual([]);
      const byB = [...handled.values()].filter((by) => by[0] === 'B').length;
      expect(byB).toBeGreaterThan(0);
      expect(byB).toBeLessThan(400);

      const admin = await newAdmin();
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      const committedByPartition = Object.fromEntries(committed[0].partitions.map((p) => [p.partition, p.offset]));
      for (const e of ends) expect(committedByPartition[e.partition]).toBe(e.high);
    });
  });
});
