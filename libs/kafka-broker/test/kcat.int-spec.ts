/**
 * The broker against kcat 1.7.1 / librdkafka 2.0.2, a real Kafka client written in C: metadata,
 * keys, null keys and headers, the four compression codecs, acks=0, start offsets (beginning, end,
 * timestamp), consumer-group rebalancing and committed offsets surviving a broker restart.
 */
import { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerOptions, RunningBroker } from '../src';
import { KcatResult, kcat, spawnKcat, startTestBroker, tempDir, uniqueName, waitFor } from './support';

jest.setTimeout(60_000);

/** Members of a group: a short session so a killed member is noticed quickly (the broker's minimum is 6000). */
const GROUP_SETTINGS = ['-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=500', '-X', 'auto.commit.interval.ms=100'];

const brokers: RunningBroker[] = [];
const processes = new Set<KcatProcess>();
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all([...processes].map((p) => p.stop('SIGKILL')));
  processes.clear();
  await Promise.all(brokers.splice(0).map((b) => b.stop()));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function newBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const broker = await startTestBroker(options);
  brokers.push(broker);
  return broker;
}

/** A long-running kcat whose output is collected as it arrives; always stopped in afterEach. */
class KcatProcess {
  stdout = '';
  stderr = '';
  exitCode: number | null = null;
  private readonly child: ChildProcess;
  private readonly closed: Promise<void>;
  private done = false;

  constructor(readonly args: string[]) {
    this.child = spawnKcat(args);
    processes.add(this);
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => (this.stdout += s));
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.closed = new Promise((resolve) => {
      this.child.once('error', (err) => {
        this.stderr += `\nspawn error: ${err.message}`;
        this.done = true;
        resolve();
      });
      this.child.once('close', (code) => {
        this.exitCode = code;
        this.done = true;
        resolve();
      });
    });
  }

  get lines(): string[] {
    return this.stdout.split('\n').filter((l) => l !== '');
  }

  async waitFor(check: (p: this) => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    try {
      await waitFor(() => check(this), timeoutMs, what);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nkcat ${this.args.join(' ')}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`);
    }
  }

  waitForStderr(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    return this.waitFor((p) => pattern.test(p.stderr), `stderr to match ${pattern}`, timeoutMs);
  }

  waitForLines(count: number, timeoutMs = 20_000): Promise<void> {
    return this.waitFor((p) => p.lines.length >= count, `${count} lines on stdout`, timeoutMs);
  }

  /** Partitions of the member's current assignment, or null while it has none (or is rebalancing). */
  assignment(): number[] | null {
    const events = [...this.stderr.matchAll(/rebalanced \(memberid [^)]*\): (assigned|revoked): ([^\n%]*)/g)];
    const last = events[events.length - 1];
    if (!last || last[1] !== 'assigned') return null;
    return [...last[2].matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
  }

  /** Sends `signal` and waits for the process to exit; escalates to SIGKILL after 10 s. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.done) {
      this.child.kill(signal);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.closed;
      clearTimeout(timer);
    }
    processes.delete(this);
  }
}

async function run(args: string[], input?: string): Promise<KcatResult> {
  const result = await kcat(args, input);
  if (result.code !== 0) throw new Error(`kcat ${args.join(' ')} exited with ${result.code}\n${result.stderr}`);
  return result;
}

/** Produces one message per line; kcat prints nothing on success. */
async function produce(broker: RunningBroker, topic: string, lines: string[], extra: string[] = []): Promise<KcatResult> {
  const result = await run(['-b', broker.address, '-P', '-t', topic, ...extra], lines.map((l) => `${l}\n`).join(''));
  return result;
}

/** Consumes a topic from the beginning until its end (-e) and returns what `format` printed. */
async function consumeAll(broker: RunningBroker, topic: string, format: string, extra: string[] = []): Promise<string> {
  const result = await run(['-b', broker.address, '-C', '-t', topic, '-e', '-o', 'beginning', '-f', format, ...extra]);
  return result.stdout;
}

async function withAdmin<T>(broker: RunningBroker, fn: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = new Kafka({ clientId: 'kcat-spec-admin', brokers: [broker.address], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

async function createTopic(broker: RunningBroker, topic: string, numPartitions: number): Promise<void> {
  const created = await withAdmin(broker, (admin) => admin.createTopics({ topics: [{ topic, numPartitions }] }));
  expect(created).toBe(true);
}

/** The group's committed offsets of `topic`, as { partition: offset }. */
async function committedOffsets(broker: RunningBroker, groupId: string, topic: string): Promise<Record<number, number>> {
  const [entry] = await withAdmin(broker, (admin) => admin.fetchOffsets({ groupId, topics: [topic] }));
  return Object.fromEntries(entry.partitions.map((p) => [p.partition, Number(p.offset)]));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kcat (librdkafka) against the embedded broker', () => {
  it('kcat -L lists broker 1 at its real advertised port and every topic with its partitions', async () => {
    const broker = await newBroker();
    expect(broker.port).toBeGreaterThan(0);
    const multi = uniqueName('meta-multi');
    const single = uniqueName('meta-single');
    await createTopic(broker, multi, 3);
    await produce(broker, single, ['auto-created']); // auto-created with the default single partition

    const all = await run(['-b', broker.address, '-L']);
    expect(all.stdout).toBe(
      [
        `Metadata for all topics (from broker 1: ${broker.host}:${broker.port}/1):`,
        ` 1 brokers:`,
        `  broker 1 at ${broker.host}:${broker.port} (controller)`,
        ` 2 topics:`,
        `  topic "${multi}" with 3 partitions:`,
        `    partition 0, leader 1, replicas: 1, isrs: 1`,
        `    partition 1, leader 1, replicas: 1, isrs: 1`,
        `    partition 2, leader 1, replicas: 1, isrs: 1`,
        `  topic "${single}" with 1 partitions:`,
        `    partition 0, leader 1, replicas: 1, isrs: 1`,
        ``,
      ].join('\n'),
    );

    const one = await run(['-b', broker.address, '-L', '-t', single]);
    expect(one.stdout).toBe(
      [
        `Metadata for ${single} (from broker 1: ${broker.host}:${broker.port}/1):`,
        ` 1 brokers:`,
        `  broker 1 at ${broker.host}:${broker.port} (controller)`,
        ` 1 topics:`,
        `  topic "${single}" with 1 partitions:`,
        `    partition 0, leader 1, replicas: 1, isrs: 1`,
        ``,
      ].join('\n'),
    );
  });

  it('round-trips keys, a null key, an empty key and headers exactly', async () => {
    const broker = await newBroker();
    const topic = uniqueName('keys');
    // With -K, a line without the delimiter has a NULL key; ":v" has an empty (non-null) key.
    const withHeaders = await produce(broker, topic, ['k1:v1', 'k2:hello world', 'no-delimiter', ':empty-key'], ['-K:', '-H', 'a=1', '-H', 'b=2']);
    expect(withHeaders.stderr).toBe('');
    // With -Z an empty key is sent as NULL; no -H means a message without headers.
    const plain = await produce(broker, topic, ['k3:no-headers', ':z-null-key'], ['-K:', '-Z']);
    expect(plain.stderr).toBe('');

    expect(await consumeAll(broker, topic, '%k %s %h %o\n')).toBe(
      [
        'k1 v1 a=1,b=2 0',
        'k2 hello world a=1,b=2 1',
        ' no-delimiter a=1,b=2 2', // a NULL key prints as nothing
        ' empty-key a=1,b=2 3',
        'k3 no-headers  4', // %h prints nothing for a message without headers
        ' z-null-key  5',
        '',
      ].join('\n'),
    );
    // %K tells a NULL key (-1) from an empty one (0); %S is the value length.
    expect(await consumeAll(broker, topic, '%K %S\n')).toBe(['2 2', '2 11', '-1 12', '0 9', '2 10', '-1 10', ''].join('\n'));
  });

  it('produces to an explicit partition with -p and reports it as %p', async () => {
    const broker = await newBroker();
    const topic = uniqueName('explicit-partition');
    await createTopic(broker, topic, 4);
    await produce(broker, topic, ['to-two-a', 'to-two-b'], ['-p', '2']);
    await produce(broker, topic, ['to-zero'], ['-p', '0']);

    const out = await consumeAll(broker, topic, '%t %p %o %s\n');
    expect(out.split('\n').filter(Boolean).sort()).toEqual([`${topic} 0 0 to-zero`, `${topic} 2 0 to-two-a`, `${topic} 2 1 to-two-b`]);
    expect(await consumeAll(broker, topic, '%p %o %s\n', ['-p', '2'])).toBe('2 0 to-two-a\n2 1 to-two-b\n');
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'])('round-trips %s-compressed batches without compression warnings', async (codec) => {
    const broker = await newBroker();
    const topic = uniqueName(`codec-${codec}`);
    const messages = Array.from({ length: 20 }, (_, i) => `${codec} message number ${i} ${'x'.repeat(i)}`);

    // -d msg makes librdkafka name the codec it actually used for each ProduceRequest. A long
    // linger keeps all 20 lines in one batch even when a busy machine feeds kcat's stdin slowly.
    const produced = await produce(broker, topic, messages, ['-z', codec, '-d', 'msg', '-X', 'linger.ms=2000']);
    expect(produced.stderr).toContain(`${topic} [0]: Produce MessageSet with 20 message(s)`);
    expect(produced.stderr).toMatch(new RegExp(`Produce MessageSet with 20 message\\(s\\) \\([^)]*, ${codec}\\)`));
    const notDebug = (s: string) => s.split('\n').filter((l) => !l.startsWith('%7|'));
    expect(notDebug(produced.stderr).filter((l) => /compress/i.test(l))).toEqual([]);
    expect(notDebug(produced.stderr).filter((l) => l.trim() !== '')).toEqual([]);

    const consumed = await run(['-b', broker.address, '-C', '-t', topic, '-e', '-o', 'beginning', '-f', '%o %s\n']);
    expect(consumed.stdout).toBe(messages.map((m, i) => `${i} ${m}\n`).join(''));
    expect(consumed.stderr).not.toMatch(/compress/i);
    expect(consumed.stderr).not.toMatch(/error|warn/i);
  });

  it('delivers every message produced with acks=0', async () => {
    const broker = await newBroker();
    const topic = uniqueName('acks0');
    const messages = Array.from({ length: 100 }, (_, i) => `fire-and-forget-${i}`);
    const produced = await produce(broker, topic, messages, ['-X', 'acks=0', '-d', 'protocol']);
    expect(produced.stderr).toContain('Sent ProduceRequest');
    expect(produced.stderr).not.toContain('Received ProduceResponse'); // acks=0: the broker does not answer

    const expected = messages.map((m, i) => `${i} ${m}\n`).join('');
    let out = '';
    await waitFor(
      async () => (out = await consumeAll(broker, topic, '%o %s\n')) === expected,
      15_000,
      'all acks=0 messages',
    ).catch((err) => {
      throw new Error(`${(err as Error).message}; last consumed:\n${out}`);
    });
  });

  it('-o beginning reads the whole partition; -o end sees only what is produced after it started', async () => {
    const broker = await newBroker();
    const topic = uniqueName('offset-end');
    await produce(broker, topic, ['old-0', 'old-1', 'old-2']);
    expect(await consumeAll(broker, topic, '%o %s\n')).toBe('0 old-0\n1 old-1\n2 old-2\n');

    const tail = new KcatProcess(['-b', broker.address, '-C', '-t', topic, '-o', 'end', '-u', '-f', '%o %s\n']);
    // Printed once the consumer has resolved END to offset 3 and fetched there: it is in place.
    await tail.waitForStderr(new RegExp(`Reached end of topic ${topic} \\[0\\] at offset 3`));
    expect(tail.stdout).toBe('');
    await produce(broker, topic, ['new-3', 'new-4']);
    await tail.waitForLines(2);
    await tail.waitForStderr(new RegExp(`Reached end of topic ${topic} \\[0\\] at offset 5`));
    expect(tail.stdout).toBe('3 new-3\n4 new-4\n');
    await tail.stop();
  });

  it('-o s@<timestamp> starts at the first message at or after the timestamp', async () => {
    const broker = await newBroker();
    const topic = uniqueName('offset-time');
    await produce(broker, topic, ['early-0', 'early-1', 'early-2']);
    await sleep(30);
    await produce(broker, topic, ['mid-3', 'mid-4']);
    await sleep(30);
    await produce(broker, topic, ['late-5', 'late-6']);

    const stamped = (await consumeAll(broker, topic, '%o %T %s\n'))
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [offset, ts, value] = l.split(' ');
        return { offset: Number(offset), ts: Number(ts), value };
      });
    expect(stamped.map((m) => m.value)).toEqual(['early-0', 'early-1', 'early-2', 'mid-3', 'mid-4', 'late-5', 'late-6']);
    const ts = (i: number) => stamped[i].ts;
    // The batches were produced 30 ms apart, so their CreateTimes are strictly ordered.
    expect(ts(2)).toBeLessThan(ts(3));
    expect(ts(4)).toBeLessThan(ts(5));

    const from = async (timestamp: number) => consumeAll(broker, topic, '%o %s\n', ['-o', `s@${timestamp}`]);
    const tailFrom = (offset: number) => stamped.slice(offset).map((m) => `${m.offset} ${m.value}\n`).join('');
    expect(await from(ts(0))).toBe(tailFrom(0));
    expect(await from(ts(3))).toBe(tailFrom(3)); // exactly a message's timestamp: starts at that message
    expect(await from(ts(2) + 1)).toBe(tailFrom(3)); // between batches: the first message after it
    expect(await from(ts(5))).toBe(tailFrom(5));
    expect(await from(ts(4) + 1)).toBe(tailFrom(5));

    const query = await run(['-b', broker.address, '-Q', '-t', `${topic}:0:${ts(4) + 1}`]);
    expect(query.stdout).toBe(`${topic} [0] offset 5\n`);
  });

  it('two -G members split a 4-partition topic; after one is SIGKILLed the survivor gets all partitions', async () => {
    const broker = await newBroker();
    const topic = uniqueName('group-split');
    const group = uniqueName('group');
    await createTopic(broker, topic, 4);
    const member = () =>
      new KcatProcess(['-b', broker.address, '-G', group, topic, '-u', '-f', '%p %k %s\n', '-X', 'auto.offset.reset=earliest', ...GROUP_SETTINGS]);
    const m1 = member();
    const m2 = member();

    await waitFor(
      () => {
        const a1 = m1.assignment();
        const a2 = m2.assignment();
        return a1?.length === 2 && a2?.length === 2 && [...a1, ...a2].sort().join() === '0,1,2,3';
      },
      20_000,
      'two members with two partitions each',
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\n--- m1 ---\n${m1.stderr}\n--- m2 ---\n${m2.stderr}`);
    });
    const a1 = m1.assignment()!;
    const a2 = m2.assignment()!;

    for (const p of [0, 1, 2, 3]) await produce(broker, topic, [`k${p}:a${p}`], ['-K:', '-p', String(p)]);
    await m1.waitForLines(2);
    await m2.waitForLines(2);
    expect(m1.lines.sort()).toEqual(a1.map((p) => `${p} k${p} a${p}`));
    expect(m2.lines.sort()).toEqual(a2.map((p) => `${p} k${p} a${p}`));
    // Both members auto-commit every 100 ms; wait until every partition's offset is committed.
    await waitFor(
      async () => Object.values(await committedOffsets(broker, group, topic)).join() === '1,1,1,1',
      10_000,
      'committed offsets 1 on all four partitions',
    );

    await m1.stop('SIGKILL'); // no LeaveGroup: the broker must expire its session (6 s)
    const before = m2.stdout.length;
    for (const p of [0, 1, 2, 3]) await produce(broker, topic, [`k${p}:b${p}`], ['-K:', '-p', String(p)]);
    await m2.waitFor((m) => m.assignment()?.join() === '0,1,2,3', 'the survivor to be assigned all four partitions', 20_000);
    await m2.waitFor((m) => m.stdout.slice(before).split('\n').filter(Boolean).length >= 4, 'four messages after the kill', 20_000);
    await sleep(300); // nothing more may arrive
    expect(m2.stdout.slice(before).split('\n').filter(Boolean).sort()).toEqual(['0 k0 b0', '1 k1 b1', '2 k2 b2', '3 k3 b3']);
  });

  it('a restarted broker (same dataDir) resumes a -G group from its committed offsets', async () => {
    const dataDir = tempDir('kcat-restart-');
    dirs.push(dataDir);
    const topic = uniqueName('restart');
    const group = uniqueName('restart-group');
    const memberArgs = (b: RunningBroker) => ['-b', b.address, '-G', group, topic, '-f', '%o %s\n', '-X', 'auto.offset.reset=earliest', ...GROUP_SETTINGS];

    const first = await newBroker({ dataDir });
    await produce(first, topic, Array.from({ length: 10 }, (_, i) => `first-${i}`));
    const consumer = new KcatProcess([...memberArgs(first), '-u']);
    await consumer.waitForLines(10);
    expect(consumer.stdout).toBe(Array.from({ length: 10 }, (_, i) => `${i} first-${i}\n`).join(''));
    await consumer.stop('SIGTERM'); // closes the consumer: commits and leaves the group
    expect(consumer.exitCode).toBe(0);
    expect(await committedOffsets(first, group, topic)).toEqual({ 0: 10 });

    await produce(first, topic, Array.from({ length: 5 }, (_, i) => `second-${i + 10}`));
    await first.stop();

    const second = await newBroker({ dataDir });
    expect(await committedOffsets(second, group, topic)).toEqual({ 0: 10 });
    // -e: exit once every assigned partition is at its end.
    const resumed = await run([...memberArgs(second), '-e']);
    expect(resumed.stdout).toBe(Array.from({ length: 5 }, (_, i) => `${i + 10} second-${i + 10}\n`).join(''));
  });
});
