import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { RunningBroker } from '../src';
import { startTestBroker, tempDir, uniqueName, waitFor } from './support';

const client = (broker: RunningBroker) =>
  new Kafka({ clientId: 'persistence-test', brokers: [broker.address], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } });

async function produce(broker: RunningBroker, topic: string, values: string[]): Promise<void> {
  const producer = client(broker).producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ key: `k${i}`, value, headers: { n: String(i) } })) });
  await producer.disconnect();
}

/** Consumes with a group until `count` messages arrived, commits them, and leaves the group. */
async function consume(broker: RunningBroker, topic: string, groupId: string, count: number): Promise<string[]> {
  const consumer = client(broker).consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await consumer.run({ autoCommitThreshold: 1, eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
  await waitFor(() => seen.length >= count, 20_000, `${count} messages`);
  await new Promise((r) => setTimeout(r, 300)); // anything beyond `count` would show up now
  await consumer.disconnect();
  return seen;
}

describe('persistence with a data directory', () => {
  let broker: RunningBroker | null = null;
  afterEach(async () => {
    await broker?.stop();
    broker = null;
  });

  it('keeps every acknowledged message, topic and committed offset across a restart', async () => {
    const dataDir = tempDir();
    const topic = uniqueName('persist');
    const groupId = uniqueName('group');
    broker = await startTestBroker({ dataDir });
    const admin = client(broker).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    const first = Array.from({ length: 30 }, (_, i) => `first-${i}`);
    await produce(broker, topic, first);
    expect((await consume(broker, topic, groupId, 30)).sort()).toEqual([...first].sort());
    const second = Array.from({ length: 12 }, (_, i) => `second-${i}`);
    await produce(broker, topic, second);
    await broker.stop();

    broker = await startTestBroker({ dataDir });
    const admin2 = client(broker).admin();
    await admin2.connect();
    const [meta] = (await admin2.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(meta.partitions).toHaveLength(3);
    const offsets = await admin2.fetchTopicOffsets(topic);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(42);
    await admin2.disconnect();

    // The group resumes at its committed offsets: exactly the messages it had not read.
    expect((await consume(broker, topic, groupId, 12)).sort()).toEqual([...second].sort());
    // A new group reads everything, with keys and headers intact.
    const everything = client(broker).consumer({ groupId: uniqueName('fresh'), sessionTimeout: 6000, maxWaitTimeInMs: 100 });
    await everything.connect();
    await everything.subscribe({ topic, fromBeginning: true });
    const all: { key: string; value: string; n: string }[] = [];
    await everything.run({
      eachMessage: async ({ message }) =>
        void all.push({ key: message.key!.toString(), value: message.value!.toString(), n: message.headers!.n!.toString() }),
    });
    await waitFor(() => all.length >= 42, 20_000, 'all 42 messages');
    await everything.disconnect();
    expect(all.map((m) => m.value).sort()).toEqual([...first, ...second].sort());
    for (const m of all) expect(m.key).toBe(`k${m.n}`);
  });

  it('cuts off a torn write at the end of a segment instead of refusing to start', async () => {
    const dataDir = tempDir();
    const topic = uniqueName('torn');
    broker = await startTestBroker({ dataDir });
    await produce(broker, topic, ['a', 'b', 'c']);
    await broker.stop();
    const segment = path.join(dataDir, 'topics', topic, '0', '00000000000000000000.log');
    fs.appendFileSync(segment, Buffer.from([0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 1])); // half a batch header

    broker = await startTestBroker({ dataDir });
    await produce(broker, topic, ['d']);
    const seen = await consume(broker, topic, uniqueName('g'), 4);
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
  });

  it('deletes a topic with its files, and it stays deleted after a restart', async () => {
    const dataDir = tempDir();
    const topic = uniqueName('deleted');
    broker = await startTestBroker({ dataDir });
    await produce(broker, topic, ['x']);
    const admin = client(broker).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    expect(fs.existsSync(path.join(dataDir, 'topics', topic))).toBe(false);
    await broker.stop();

    broker = await startTestBroker({ dataDir, autoCreateTopics: false });
    const admin2 = client(broker).admin();
    await admin2.connect();
    expect(await admin2.listTopics()).not.toContain(topic);
    await admin2.disconnect();
  });
});

describe('retention', () => {
  it('drops whole old segments past retention.bytes and moves the log start offset', async () => {
    const broker = await startTestBroker({ segmentBytes: 2000, retentionBytes: 4000 });
    try {
      const topic = uniqueName('retained');
      const producer = client(broker).producer();
      await producer.connect();
      for (let i = 0; i < 40; i++) await producer.send({ topic, messages: [{ value: Buffer.alloc(500, i) }] });
      await producer.disconnect();
      const admin = client(broker).admin();
      await admin.connect();
      const [p] = await admin.fetchTopicOffsets(topic);
      await admin.disconnect();
      expect(Number(p.high)).toBe(40);
      expect(Number(p.low)).toBeGreaterThan(0);
      expect(40 - Number(p.low)).toBeLessThanOrEqual(16); // about 4000 bytes of ~570-byte batches, plus the active segment
    } finally {
      await broker.stop();
    }
  });
});

describe('npm run broker', () => {
  it('prints ready with its address, serves clients, and exits cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const cli = path.join(__dirname, '..', 'src', 'cli.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      await waitFor(() => /ready at \S+:\d+/.test(out), 20_000, 'the ready line');
      const address = /ready at (\S+)/.exec(out)![1];
      expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
      const admin = new Kafka({ brokers: [address], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'cli-topic' }] });
      await admin.disconnect();
      expect(fs.existsSync(path.join(dataDir, 'topics', 'cli-topic', 'topic.json'))).toBe(true);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses a bad port with a clear message', async () => {
    const cli = path.join(__dirname, '..', 'src', 'cli.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', 'abc'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain("--port must be a port number (0-65535), got 'abc'");
  });
});
