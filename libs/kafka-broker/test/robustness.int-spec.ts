/**
 * A real broker over TCP fed malformed, hostile and random input. Every bad frame must close the
 * connection that sent it and nothing else; the broker (running in this process) must never throw,
 * and well-behaved kafkajs clients on the same broker must not notice.
 */
import * as net from 'node:net';
import { Admin, Consumer, Kafka, Partitioners, Producer, logLevel } from 'kafkajs';
import { RunningBroker } from '../src';
import { ApiKey, SUPPORTED_APIS } from '../src/protocol/api-keys';
import { crc32c } from '../src/protocol/crc32c';
import { startTestBroker, uniqueName, waitFor } from './support';

/* eslint-disable @typescript-eslint/no-var-requires */
const { RecordBatch: encodeKafkajsBatch } = require('kafkajs/src/protocol/recordBatch/v0');
const encodeKafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0');
/* eslint-enable @typescript-eslint/no-var-requires */

// --- wire helpers --------------------------------------------------------------------------------

function int16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
}
function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}
function int64(v: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(v));
  return b;
}
function str(s: string | null): Buffer {
  if (s === null) return int16(-1);
  return Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)]);
}
function uvarint(v: number): Buffer {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}
function compactStr(s: string): Buffer {
  return Buffer.concat([uvarint(Buffer.byteLength(s) + 1), Buffer.from(s)]);
}
function array(items: Buffer[]): Buffer {
  return Buffer.concat([int32(items.length), ...items]);
}
function sized(payload: Buffer): Buffer {
  return Buffer.concat([int32(payload.length), payload]);
}

/** Request header v1 (or v2 with empty tagged fields when `flexible`). */
function header(apiKey: number, apiVersion: number, correlationId: number, clientId: string | null = 'raw', flexible = false): Buffer {
  return Buffer.concat([int16(apiKey), int16(apiVersion), int32(correlationId), str(clientId), flexible ? uvarint(0) : Buffer.alloc(0)]);
}

/** A complete size-prefixed request frame. */
function request(apiKey: number, apiVersion: number, correlationId: number, body: Buffer = Buffer.alloc(0), flexible = false): Buffer {
  return sized(Buffer.concat([header(apiKey, apiVersion, correlationId, 'raw', flexible), body]));
}

function metadataV1(correlationId: number, topics: string[] | null = []): Buffer {
  return request(ApiKey.Metadata, 1, correlationId, topics === null ? int32(-1) : array(topics.map(str)));
}

/** A RecordBatch v2 built by kafkajs' encoder. */
async function recordBatch(values: string[], timestamp = Date.now()): Promise<Buffer> {
  const records = values.map((v, i) => encodeKafkajsRecord({ offsetDelta: i, timestampDelta: 0, key: null, value: Buffer.from(v) }));
  const enc = await encodeKafkajsBatch({ records, firstTimestamp: timestamp, maxTimestamp: timestamp, lastOffsetDelta: records.length - 1 });
  return Buffer.from(enc.buffer as Buffer);
}

function produceV3Body(topic: string, partition: number, acks: number, batch: Buffer): Buffer {
  return Buffer.concat([
    str(null), // transactional_id
    int16(acks),
    int32(5000),
    array([Buffer.concat([str(topic), array([Buffer.concat([int32(partition), sized(batch)])])])]),
  ]);
}

// --- a raw client ---------------------------------------------------------------------------------

interface Frame {
  correlationId: number;
  body: Buffer;
}

type Outcome = { kind: 'response'; frame: Frame } | { kind: 'closed' } | { kind: 'timeout' };

/** A plain socket that splits whatever the broker sends into response frames. */
class RawClient {
  private pending = Buffer.alloc(0);
  private readonly frames: Frame[] = [];
  private wake: (() => void) | null = null;
  closed = false;
  readonly whenClosed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.pending = Buffer.concat([this.pending, d]);
      while (this.pending.length >= 4 && this.pending.length >= 4 + this.pending.readInt32BE(0)) {
        const size = this.pending.readInt32BE(0);
        const frame = this.pending.subarray(4, 4 + size);
        this.frames.push({ correlationId: frame.readInt32BE(0), body: frame.subarray(4) });
        this.pending = this.pending.subarray(4 + size);
      }
      this.wake?.();
    });
    socket.on('error', () => undefined);
    this.whenClosed = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        this.wake?.();
        resolve();
      }),
    );
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  get received(): number {
    return this.frames.length + (this.pending.length > 0 ? 1 : 0);
  }

  /** The next response, the connection closing, or nothing within `timeoutMs`. */
  async next(timeoutMs: number): Promise<Outcome> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.shift();
      if (frame) return { kind: 'response', frame };
      if (this.closed) return { kind: 'closed' };
      const left = until - Date.now();
      if (left <= 0) return { kind: 'timeout' };
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  async response(timeoutMs = 5000): Promise<Frame> {
    const o = await this.next(timeoutMs);
    if (o.kind !== 'response') throw new Error(`expected a response, got ${o.kind}`);
    return o.frame;
  }

  async call(bytes: Buffer, timeoutMs = 5000): Promise<Frame> {
    this.write(bytes);
    return this.response(timeoutMs);
  }

  /** Resolves once the broker has closed this connection; fails if it has not within `timeoutMs`. */
  async expectClosed(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.whenClosed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Parses an ApiVersions response body: v0-2 layout, or v3 (flexible) when `flexible`. */
function parseApiVersions(body: Buffer, version: number): { errorCode: number; apis: [number, number, number][]; throttle?: number } {
  let pos = 0;
  const i16 = () => ((pos += 2), body.readInt16BE(pos - 2));
  const i32 = () => ((pos += 4), body.readInt32BE(pos - 4));
  const uv = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = body[pos++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
  };
  const errorCode = i16();
  const apis: [number, number, number][] = [];
  let throttle: number | undefined;
  if (version >= 3) {
    const n = uv() - 1;
    for (let i = 0; i < n; i++) {
      apis.push([i16(), i16(), i16()]);
      expect(uv()).toBe(0); // no tagged fields per entry
    }
    throttle = i32();
    expect(uv()).toBe(0);
  } else {
    const n = i32();
    for (let i = 0; i < n; i++) apis.push([i16(), i16(), i16()]);
    if (version >= 1) throttle = i32();
  }
  expect(pos).toBe(body.length); // nothing left over
  return { errorCode, apis, throttle };
}

/** What the broker logs when it closes a connection over bad input (MalformedRequestError or frame size). */
const PROTOCOL_REJECTION =
  /^closing connection from \S+: (frame size -?\d+|truncated request|unknown API key -?\d+|unsupported version -?\d+ of API -?\d+|null (string|bytes|array) where (an? )?\w+ (is|are) required|array longer than the request|varint too long|acks=0 produce failed)$/;

const ADVERTISED = [...SUPPORTED_APIS].sort((a, b) => a[0] - b[0]).map(([k, v]): [number, number, number] => [k, v.min, v.max]);

// --- a well-behaved kafkajs client that records trouble -------------------------------------------

interface Watched {
  kafka: Kafka;
  /** kafkajs debug lines saying the broker closed one of its connections. */
  serverClosed: string[];
}

function watchedKafka(broker: RunningBroker, clientId: string): Watched {
  const serverClosed: string[] = [];
  const kafka = new Kafka({
    clientId,
    brokers: [broker.address],
    logLevel: logLevel.DEBUG,
    logCreator: () => (entry) => {
      if (/server has closed connection|ECONNRESET|EPIPE|Connection error/i.test(entry.log.message)) {
        serverClosed.push(`${entry.namespace}: ${entry.log.message}`);
      }
    },
    retry: { retries: 3, initialRetryTime: 50 },
  });
  return { kafka, serverClosed };
}

// ==================================================================================================

describe('malformed frames close only their own connection', () => {
  const MAX_REQUEST = 1024;
  let broker: RunningBroker;
  let watched: Watched;
  let producer: Producer;
  let admin: Admin;
  let bystander: RawClient;
  let topic: string;
  const brokerLog: string[] = [];
  let sent = 0;
  let nextCorrelation = 1000;

  beforeAll(async () => {
    broker = await startTestBroker({ maxRequestBytes: MAX_REQUEST, log: (line) => brokerLog.push(line) });
    watched = watchedKafka(broker, 'healthy');
    producer = watched.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    admin = watched.kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    topic = uniqueName('robust');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    bystander = await RawClient.connect(broker.port);
  });

  afterAll(async () => {
    bystander?.destroy();
    await Promise.all([producer?.disconnect(), admin?.disconnect()]);
    await broker?.stop();
  });

  /** The kafkajs producer and admin and the long-lived raw bystander all still work. */
  async function expectHealthy(): Promise<void> {
    const [res] = await producer.send({ topic, messages: [{ value: `m-${sent}` }] });
    expect(res.errorCode).toBe(0);
    expect(Number(res.baseOffset)).toBe(sent);
    sent++;
    const [offsets] = await admin.fetchTopicOffsets(topic);
    expect(Number(offsets.high)).toBe(sent);
    const corr = nextCorrelation++;
    const reply = await bystander.call(request(ApiKey.ApiVersions, 0, corr));
    expect(reply.correlationId).toBe(corr);
    expect(parseApiVersions(reply.body, 0).errorCode).toBe(0);
    expect(watched.serverClosed).toEqual([]);
  }

  /** Sends `bytes` on a fresh connection and expects the broker to close it without a response. */
  async function expectRejected(bytes: Buffer | Buffer[]): Promise<void> {
    await expectHealthy();
    const logged = brokerLog.length;
    const c = await RawClient.connect(broker.port);
    for (const b of Array.isArray(bytes) ? bytes : [bytes]) {
      c.write(b);
      await sleep(5); // separate TCP segments where there are several parts
    }
    await c.expectClosed();
    expect(c.received).toBe(0);
    // The broker closed it (and said why), not the client.
    await waitFor(() => brokerLog.length > logged, 2000, 'the broker to log the closed connection');
    expect(brokerLog.slice(logged)).toEqual([expect.stringMatching(PROTOCOL_REJECTION)]);
    await expectHealthy();
  }

  it('a size prefix promising more than the partial body that follows: the broker waits, then cleans up when the client closes', async () => {
    await expectHealthy();
    const full = metadataV1(1, [topic]);
    const c = await RawClient.connect(broker.port);
    c.write(full.subarray(0, 4 + 7)); // size says the whole request; only 7 bytes of it come
    await sleep(200);
    expect(c.closed).toBe(false); // a slow client is not an error
    c.socket.end();
    await c.expectClosed();
    expect(c.received).toBe(0);
    await expectHealthy();
  });

  it('half a size prefix, then the client closes', async () => {
    await expectHealthy();
    const c = await RawClient.connect(broker.port);
    c.write(Buffer.from([0, 0]));
    await sleep(100);
    expect(c.closed).toBe(false);
    c.socket.end();
    await c.expectClosed();
    await expectHealthy();
  });

  it('a frame split at every awkward boundary is still reassembled', async () => {
    const c = await RawClient.connect(broker.port);
    const frame = metadataV1(77, [topic]);
    for (const cut of [1, 2, 3, 5, 9]) {
      c.write(frame.subarray(0, cut));
      await sleep(5);
      c.write(frame.subarray(cut));
      const reply = await c.response();
      expect(reply.correlationId).toBe(77);
    }
    c.destroy();
  });

  it('a complete frame whose Metadata body is cut in the middle', async () => {
    // topics: [topic, "second-topic"], cut inside the second string; the size prefix matches what is sent.
    const body = array([str(topic), str('second-topic')]);
    const cut = body.subarray(0, body.length - 5);
    await expectRejected(sized(Buffer.concat([header(ApiKey.Metadata, 1, 5), cut])));
  });

  it('a frame too short to hold the request header (client id missing)', async () => {
    await expectRejected(sized(Buffer.concat([int16(ApiKey.Metadata), int16(1), int32(6)])));
  });

  it('an array length far beyond the frame', async () => {
    await expectRejected(sized(Buffer.concat([header(ApiKey.Metadata, 1, 7), int32(0x7fffffff), str('x')])));
  });

  it('a null where a required string belongs (FindCoordinator key)', async () => {
    await expectRejected(request(ApiKey.FindCoordinator, 0, 8, str(null)));
  });

  it.each([
    ['999', 999],
    ['-1', -1],
    ['4 (LeaderAndIsr, a broker-internal API)', 4],
    ['17 (SaslHandshake)', 17],
  ])('an unknown API key %s', async (_name, apiKey) => {
    await expectRejected(request(apiKey, 0, 9));
  });

  it.each([
    ['Fetch v99', ApiKey.Fetch, 99],
    ['Fetch v3 (below the lowest served)', ApiKey.Fetch, 3],
    ['Metadata v0', ApiKey.Metadata, 0],
    ['Metadata v7', ApiKey.Metadata, 7],
    ['Produce v8', ApiKey.Produce, 8],
    ['JoinGroup v-1', ApiKey.JoinGroup, -1],
  ])('an unsupported version of a known API: %s', async (_name, apiKey, version) => {
    await expectRejected(request(apiKey, version, 10, Buffer.alloc(32)));
  });

  it.each([
    ['one byte over maxRequestBytes', MAX_REQUEST + 1],
    ['2 GiB', 0x7fffffff],
    ['100 MiB', 100 * 1024 * 1024],
  ])('an oversized frame (%s) is refused from its size prefix alone', async (_name, size) => {
    await expectRejected(int32(size));
  });

  it('a frame of exactly maxRequestBytes is accepted', async () => {
    const c = await RawClient.connect(broker.port);
    const base = metadataV1(11, [topic]);
    // Trailing bytes after a complete request are ignored, as Kafka does.
    const padded = sized(Buffer.concat([base.subarray(4), Buffer.alloc(MAX_REQUEST - (base.length - 4))]));
    expect(padded.length).toBe(4 + MAX_REQUEST);
    const reply = await c.call(padded);
    expect(reply.correlationId).toBe(11);
    c.destroy();
  });

  it.each([
    ['-1', -1],
    ['-2^31', -0x80000000],
    ['0', 0],
    ['7 (shorter than a header)', 7],
  ])('a bad frame size %s', async (_name, size) => {
    await expectRejected([int32(size), Buffer.alloc(16, 1)]);
  });

  it.each([
    ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: localhost:9092\r\n\r\n')],
    ['a TLS ClientHello', Buffer.from('16030100a5010000a10303' + '00'.repeat(40), 'hex')],
    ['0xff bytes', Buffer.alloc(64, 0xff)],
    ['a valid size and random bytes', sized(Buffer.from('5e1c0de9a1f0bb7741c2d3e4f5061728394a5b6c7d8e9f', 'hex'))],
  ])('garbage: %s', async (_name, bytes) => {
    await expectRejected(bytes);
  });

  it('requests before a bad frame are answered in order; nothing after it is', async () => {
    const c = await RawClient.connect(broker.port);
    c.write(Buffer.concat([request(ApiKey.ApiVersions, 0, 21), metadataV1(22, [topic]), request(999, 0, 23), metadataV1(24)]));
    expect((await c.response()).correlationId).toBe(21);
    expect((await c.response()).correlationId).toBe(22);
    await c.expectClosed();
    expect(c.received).toBe(0);
    await expectHealthy();
  });

  it('ApiVersions with an unsupported version (v9) gets a v0-format UNSUPPORTED_VERSION answer listing our APIs, and the connection stays open', async () => {
    const c = await RawClient.connect(broker.port);
    // Newer clients send flexible headers and bodies we cannot parse; the answer must not depend on them.
    const reply = await c.call(sized(Buffer.concat([header(ApiKey.ApiVersions, 9, 31, 'future-client', true), compactStr('x'), compactStr('y'), uvarint(0)])));
    expect(reply.correlationId).toBe(31);
    const parsed = parseApiVersions(reply.body, 0);
    expect(parsed.errorCode).toBe(35);
    expect(parsed.apis).toEqual(ADVERTISED);
    // ... and the client can go on with a version from the list.
    const again = await c.call(request(ApiKey.ApiVersions, 2, 32));
    expect(again.correlationId).toBe(32);
    expect(parseApiVersions(again.body, 2)).toEqual({ errorCode: 0, apis: ADVERTISED, throttle: 0 });
    c.destroy();
    await expectHealthy();
  });

  it('ApiVersions v0, v1 and v2 use their own layouts', async () => {
    const c = await RawClient.connect(broker.port);
    for (const v of [0, 1, 2]) {
      const reply = await c.call(request(ApiKey.ApiVersions, v, 40 + v));
      expect(reply.correlationId).toBe(40 + v);
      expect(parseApiVersions(reply.body, v)).toEqual({ errorCode: 0, apis: ADVERTISED, throttle: v >= 1 ? 0 : undefined });
    }
    c.destroy();
  });

  it('a raw ApiVersions v3 request (flexible header v2) gets a proper flexible response', async () => {
    const c = await RawClient.connect(broker.port);
    // Header v2 with a tagged field the broker does not know, which it must skip.
    const hdr = Buffer.concat([int16(ApiKey.ApiVersions), int16(3), int32(51), str('flex-client'), uvarint(1), uvarint(7), uvarint(3), Buffer.from('abc')]);
    const body = Buffer.concat([compactStr('crm-test-client'), compactStr('1.2.3'), uvarint(0)]);
    const reply = await c.call(sized(Buffer.concat([hdr, body])));
    // The ApiVersions response header stays v0 (no tagged fields) even for v3, as in Kafka.
    expect(reply.correlationId).toBe(51);
    expect(parseApiVersions(reply.body, 3)).toEqual({ errorCode: 0, apis: ADVERTISED, throttle: 0 });
    // The connection is still usable with ordinary requests.
    expect((await c.call(metadataV1(52, [topic]))).correlationId).toBe(52);
    c.destroy();
  });

  it('a malformed ApiVersions v3 body closes the connection', async () => {
    await expectRejected(sized(Buffer.concat([header(ApiKey.ApiVersions, 3, 53, 'x', true), uvarint(50), Buffer.from('short')])));
  });

  it('Produce v0-2 is answered with UNSUPPORTED_VERSION per partition, not a closed connection', async () => {
    const c = await RawClient.connect(broker.port);
    const body = Buffer.concat([int16(1), int32(1000), array([Buffer.concat([str(topic), array([Buffer.concat([int32(0), sized(Buffer.alloc(0))])])])])]);
    const reply = await c.call(request(ApiKey.Produce, 2, 61, body));
    expect(reply.correlationId).toBe(61);
    const r = reply.body;
    // [topics] -> name, [partitions] -> partition, error, base_offset, log_append_time; throttle
    expect(r.readInt32BE(0)).toBe(1);
    const nameLen = r.readInt16BE(4);
    expect(r.toString('utf8', 6, 6 + nameLen)).toBe(topic);
    let pos = 6 + nameLen;
    expect(r.readInt32BE(pos)).toBe(1);
    expect(r.readInt32BE(pos + 4)).toBe(0);
    expect(r.readInt16BE(pos + 8)).toBe(35);
    pos += 10 + 8 + 8;
    expect(r.readInt32BE(pos)).toBe(0);
    expect(pos + 4).toBe(r.length);
    c.destroy();
    await expectHealthy();
  });

  it('acks=0 Produce gets no response: the first response on the connection is the following Metadata request’s', async () => {
    await expectHealthy();
    const before = sent;
    const c = await RawClient.connect(broker.port);
    const batch = await recordBatch(['fire-and-forget']);
    c.write(Buffer.concat([request(ApiKey.Produce, 3, 71, produceV3Body(topic, 0, 0, batch)), metadataV1(72, [topic])]));
    const first = await c.response();
    expect(first.correlationId).toBe(72);
    // The record was still written.
    await waitFor(async () => Number((await admin.fetchTopicOffsets(topic))[0].high) === before + 1, 5000, 'the acks=0 record');
    // An acks=1 Produce on the same connection is answered, with the next offset.
    const reply = await c.call(request(ApiKey.Produce, 3, 73, produceV3Body(topic, 0, 1, await recordBatch(['acked']))));
    expect(reply.correlationId).toBe(73);
    const r = reply.body;
    const pos = 4 + 2 + Buffer.byteLength(topic) + 4;
    expect(r.readInt32BE(pos)).toBe(0); // partition
    expect(r.readInt16BE(pos + 4)).toBe(0); // error
    expect(Number(r.readBigInt64BE(pos + 6))).toBe(before + 1); // base offset
    // Nothing else ever arrives.
    expect(await c.next(200)).toEqual({ kind: 'timeout' });
    c.destroy();
    sent += 2;
    await expectHealthy();
  });

  it('a CRC-valid batch with forged record lengths cannot stall ListOffsets by timestamp', async () => {
    const forgedTopic = uniqueName('forged');
    await admin.createTopics({ topics: [{ topic: forgedTopic, numPartitions: 1 }] });
    const ts = 1_700_000_000_000;
    const batch = await recordBatch(['a', 'b'], ts);
    batch.writeInt32BE(0x7fffffff, 57); // record count
    batch[61] = 0x01; // first record length: zig-zag -1
    batch.writeUInt32BE(crc32c(batch, 21), 17); // a valid CRC over the forged bytes
    const c = await RawClient.connect(broker.port);
    const produced = await c.call(request(ApiKey.Produce, 3, 81, produceV3Body(forgedTopic, 0, 1, batch)));
    expect(produced.body.readInt16BE(4 + 2 + Buffer.byteLength(forgedTopic) + 4 + 4)).toBe(0);
    // ListOffsets v1 for timestamp ts.
    const body = Buffer.concat([int32(-1), array([Buffer.concat([str(forgedTopic), array([Buffer.concat([int32(0), int64(ts)])])])])]);
    const started = Date.now();
    const reply = await c.call(request(ApiKey.ListOffsets, 1, 82, body), 5000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(reply.correlationId).toBe(82);
    c.destroy();
    await expectHealthy();
  });

  it('logged every rejected connection with a protocol reason, never an internal error', () => {
    for (const line of brokerLog) expect(line).toMatch(PROTOCOL_REJECTION);
  });
});

// ==================================================================================================

/** mulberry32: a small seeded PRNG, so a failing run can be replayed exactly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(0, 255))),
  };
}
type Rng = ReturnType<typeof prng>;

const INTERESTING_16 = [0, 1, -1, 2, 0x7fff, -0x8000, 0xff, 0x100];
const INTERESTING_32 = [0, 1, -1, 2, 3, 0x7fffffff, -0x80000000, 0xffff, 0x10000, 1000, -2];

/** A random body assembled from plausible protocol tokens, so parsers get past their first field. */
function tokenSoup(rng: Rng, names: string[]): Buffer {
  const parts: Buffer[] = [];
  const n = rng.int(0, 24);
  for (let i = 0; i < n; i++) {
    switch (rng.int(0, 11)) {
      case 0:
        parts.push(Buffer.from([rng.pick([0, 1, 0xff])]));
        break;
      case 1:
        parts.push(int16(rng.pick(INTERESTING_16)));
        break;
      case 2:
        parts.push(int32(rng.int(0, 3)));
        break;
      case 3:
        parts.push(int32(rng.pick(INTERESTING_32)));
        break;
      case 4:
        parts.push(str(rng.pick(names)));
        break;
      case 5:
        parts.push(str(rng.bytes(rng.int(0, 12)).toString('latin1')));
        break;
      case 6:
        parts.push(str(null));
        break;
      case 7:
        parts.push(int64(rng.pick([0, -1, -2, 1, 2 ** 40])));
        break;
      case 8:
        parts.push(sized(rng.bytes(rng.int(0, 40))));
        break;
      case 9:
        parts.push(uvarint(rng.int(0, 300)));
        break;
      case 10:
        parts.push(compactStr(rng.pick(names)));
        break;
      default:
        parts.push(rng.bytes(rng.int(1, 8)));
    }
  }
  return Buffer.concat(parts);
}

/** One to three random mutations of `buf` from byte `from` on. */
function mutate(rng: Rng, buf: Buffer, from: number): Buffer {
  let b = Buffer.from(buf);
  const count = rng.int(1, 3);
  for (let i = 0; i < count; i++) {
    const span = b.length - from;
    const at = from + (span > 0 ? rng.int(0, span - 1) : 0);
    switch (rng.int(0, 7)) {
      case 0: // flip a bit
        if (span > 0) b[at] ^= 1 << rng.int(0, 7);
        break;
      case 1: // a random byte
        if (span > 0) b[at] = rng.int(0, 255);
        break;
      case 2: // an interesting int16
        if (span >= 2) b.writeInt16BE(rng.pick(INTERESTING_16), Math.min(at, b.length - 2));
        break;
      case 3: // an interesting int32
        if (span >= 4) b.writeInt32BE(rng.pick(INTERESTING_32), Math.min(at, b.length - 4));
        break;
      case 4: // truncate
        b = b.subarray(0, at);
        break;
      case 5: // insert random bytes
        b = Buffer.concat([b.subarray(0, at), rng.bytes(rng.int(1, 8)), b.subarray(at)]);
        break;
      case 6: // delete a range
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + rng.int(1, 8)))]);
        break;
      default: // append random bytes
        b = Buffer.concat([b, rng.bytes(rng.int(1, 16))]);
    }
  }
  return b;
}

const KAFKAJS_REQUEST_DIRS: Record<number, string> = {
  [ApiKey.Produce]: 'produce',
  [ApiKey.Fetch]: 'fetch',
  [ApiKey.ListOffsets]: 'listOffsets',
  [ApiKey.Metadata]: 'metadata',
  [ApiKey.OffsetCommit]: 'offsetCommit',
  [ApiKey.OffsetFetch]: 'offsetFetch',
  [ApiKey.FindCoordinator]: 'findCoordinator',
  [ApiKey.JoinGroup]: 'joinGroup',
  [ApiKey.Heartbeat]: 'heartbeat',
  [ApiKey.LeaveGroup]: 'leaveGroup',
  [ApiKey.SyncGroup]: 'syncGroup',
  [ApiKey.DescribeGroups]: 'describeGroups',
  [ApiKey.ListGroups]: 'listGroups',
  [ApiKey.ApiVersions]: 'apiVersions',
  [ApiKey.CreateTopics]: 'createTopics',
  [ApiKey.DeleteTopics]: 'deleteTopics',
  [ApiKey.InitProducerId]: 'initProducerId',
};

interface KafkajsApi {
  request: { encode(): Promise<{ buffer: Buffer }> };
  response: { decode(body: Buffer): Promise<unknown> };
}

function kafkajsApi(apiKey: number, version: number, args: object): KafkajsApi | null {
  const dir = KAFKAJS_REQUEST_DIRS[apiKey];
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const defs = require(`kafkajs/src/protocol/requests/${dir}`);
  if (!defs.versions.includes(String(version))) return null;
  return defs.protocol({ version })(args) as KafkajsApi;
}

/** Arguments for a valid kafkajs request of each API, touching only fuzz-owned topics and groups. */
function templateArgs(apiKey: number, fuzzTopic: string, n: number, valid: boolean): object {
  const now = Date.now();
  // Valid JoinGroups get a group of their own so they never wait for a rebalance; mutated ones share.
  const joinGroupId = valid ? `fuzz-valid-${n}` : `fuzz-join-${n % 7}`;
  switch (apiKey) {
    case ApiKey.Produce:
      return {
        acks: 1,
        timeout: 1000,
        compression: 0,
        topicData: [{ topic: fuzzTopic, partitions: [{ partition: 0, messages: [{ key: 'k', value: `fuzz-${n}`, timestamp: now }] }] }],
      };
    case ApiKey.Fetch:
      return {
        replicaId: -1,
        maxWaitTime: 20,
        minBytes: 1,
        maxBytes: 100_000,
        topics: [{ topic: fuzzTopic, partitions: [{ partition: 0, fetchOffset: '0', maxBytes: 50_000 }] }],
      };
    case ApiKey.ListOffsets:
      return { replicaId: -1, topics: [{ topic: fuzzTopic, partitions: [{ partition: 0, timestamp: n % 2 ? -1 : now - 60_000 }] }] };
    case ApiKey.Metadata:
      return { topics: [fuzzTopic], allowAutoTopicCreation: true };
    case ApiKey.OffsetCommit:
      return { groupId: 'fuzz-group', groupGenerationId: -1, memberId: '', topics: [{ topic: fuzzTopic, partitions: [{ partition: 0, offset: '1' }] }] };
    case ApiKey.OffsetFetch:
      return { groupId: 'fuzz-group', topics: [{ topic: fuzzTopic, partitions: [{ partition: 0 }] }] };
    case ApiKey.FindCoordinator:
      return { groupId: 'fuzz-group' };
    case ApiKey.JoinGroup:
      return {
        groupId: joinGroupId,
        sessionTimeout: 6000,
        rebalanceTimeout: 200,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        groupProtocols: [{ name: 'range', metadata: Buffer.from([0, 1, 0, 0, 0, 0]) }],
      };
    case ApiKey.Heartbeat:
      return { groupId: `fuzz-join-${n % 7}`, groupGenerationId: 1, memberId: 'fuzz-member' };
    case ApiKey.LeaveGroup:
      return { groupId: `fuzz-join-${n % 7}`, memberId: 'fuzz-member' };
    case ApiKey.SyncGroup:
      return { groupId: `fuzz-join-${n % 7}`, generationId: 1, memberId: 'fuzz-member', groupAssignment: [{ memberId: 'fuzz-member', memberAssignment: Buffer.from('a') }] };
    case ApiKey.DescribeGroups:
      return { groupIds: ['fuzz-group', `fuzz-join-${n % 7}`] };
    case ApiKey.ListGroups:
      return {};
    case ApiKey.ApiVersions:
      return {};
    case ApiKey.CreateTopics:
      return { topics: [{ topic: `fuzz-created-${n}`, numPartitions: 1, replicationFactor: 1 }], timeout: 1000, validateOnly: false };
    case ApiKey.DeleteTopics:
      return { topics: [`fuzz-created-${n - 1}`], timeout: 1000 };
    case ApiKey.InitProducerId:
      return { transactionalId: null, transactionTimeout: 5000 };
    default:
      throw new Error(`no template for API ${apiKey}`);
  }
}

/** APIs whose answer may legitimately be delayed (long polls, rebalances) or absent (acks=0). */
const MAY_WAIT = new Set<number>([ApiKey.Produce, ApiKey.Fetch, ApiKey.JoinGroup, ApiKey.SyncGroup]);

interface FuzzCase {
  apiKey: number;
  version: number;
  kind: 'valid' | 'mutated' | 'soup' | 'random';
  frame: Buffer;
  decode: ((body: Buffer) => Promise<unknown>) | null;
}

describe('fuzzing with many hostile connections', () => {
  const SEED = 0xc0ffee;
  let broker: RunningBroker;
  const brokerLog: string[] = [];
  const processErrors: unknown[] = [];
  const onProcessError = (err: unknown) => processErrors.push(err);

  beforeAll(async () => {
    process.on('uncaughtException', onProcessError);
    process.on('unhandledRejection', onProcessError);
    broker = await startTestBroker({ maxRequestBytes: 256 * 1024, log: (line) => brokerLog.push(line) });
  });

  const clients: { disconnect(): Promise<void> }[] = [];

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
    await broker?.stop();
    process.off('uncaughtException', onProcessError);
    process.off('unhandledRejection', onProcessError);
  });

  it('survives thousands of random and mutated requests while a healthy producer and consumer keep going', async () => {
    const rng = prng(SEED);
    const watched = watchedKafka(broker, 'healthy-fuzz');
    const healthyTopic = uniqueName('healthy');
    const fuzzTopic = uniqueName('fuzz-topic');
    const admin = watched.kafka.admin();
    const producer = watched.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
    const consumer: Consumer = watched.kafka.consumer({ groupId: uniqueName('healthy-group'), maxWaitTimeInMs: 100 });
    clients.push(consumer, producer, admin); // disconnected in afterAll even if the test fails early
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: healthyTopic, numPartitions: 2 }, { topic: fuzzTopic, numPartitions: 1 }] });
    await Promise.all([producer.connect(), consumer.connect()]);
    const received = new Set<string>();
    await consumer.subscribe({ topic: healthyTopic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.add(message.value!.toString()) });

    // The healthy producer sends throughout the fuzzing.
    const sentValues: string[] = [];
    let fuzzing = true;
    const producing = (async () => {
      for (let i = 0; fuzzing || i < 20; i++) {
        const value = `healthy-${i}`;
        await producer.send({ topic: healthyTopic, messages: [{ key: String(i % 5), value }] });
        sentValues.push(value);
        await sleep(10);
      }
    })();

    // ---- phase 1: 50 connections of pure random bytes (random sizes, mostly absurd) ---------------
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const c = await RawClient.connect(broker.port);
        const chunks = rng.int(1, 5);
        for (let k = 0; k < chunks && !c.closed; k++) {
          // Half the connections start with a plausible size so the body parsers see the bytes.
          const body = rng.bytes(rng.int(1, 2000));
          c.write(k === 0 && i % 2 === 0 ? sized(body) : body);
          await sleep(rng.int(0, 5));
        }
        await c.next(100);
        c.destroy();
      }),
    );

    // ---- phase 2: every supported API key and version (and some that are not) -----------------
    const names = [fuzzTopic, 'fuzz-group', 'fuzz-join-1', '', 'consumer', 'range', 'x'.repeat(300)];
    const cases: FuzzCase[] = [];
    let n = 0;
    let corr = 1;
    const frameOf = (apiKey: number, version: number, c: number, body: Buffer) => {
      const flexible = apiKey === ApiKey.ApiVersions && version >= 3;
      return sized(Buffer.concat([header(apiKey, version, c, rng.pick(['fuzz', '', null, 'ü'.repeat(20)]), flexible), body]));
    };
    for (const [apiKey, range] of SUPPORTED_APIS) {
      for (let version = range.min - 1; version <= range.max + 1; version++) {
        for (let k = 0; k < 120; k++) {
          n++;
          const c = corr++;
          let api: KafkajsApi | null = null;
          let template: Buffer | null = null;
          if (version >= range.min && version <= range.max) {
            if (apiKey === ApiKey.ApiVersions && version === 3) {
              template = Buffer.concat([compactStr('fuzz-client'), compactStr('0.0.1'), uvarint(0)]);
            } else {
              api = kafkajsApi(apiKey, version, templateArgs(apiKey, fuzzTopic, n, k === 0));
              if (api) template = (await api.request.encode()).buffer;
            }
          }
          const decode = api ? (b: Buffer) => api!.response.decode(b) : null;
          if (template && k === 0) {
            cases.push({ apiKey, version, kind: 'valid', frame: frameOf(apiKey, version, c, template), decode });
          } else if (template && k < 90) {
            // Mutate header (after the correlation id) and body together, then re-frame.
            const whole = Buffer.concat([header(apiKey, version, c, 'fuzz', apiKey === ApiKey.ApiVersions && version >= 3), template]);
            cases.push({ apiKey, version, kind: 'mutated', frame: sized(mutate(rng, whole, 8)), decode });
          } else if (k % 2 === 0) {
            cases.push({ apiKey, version, kind: 'soup', frame: frameOf(apiKey, version, c, tokenSoup(rng, names)), decode });
          } else {
            cases.push({ apiKey, version, kind: 'random', frame: frameOf(apiKey, version, c, rng.bytes(rng.int(0, 300))), decode });
          }
        }
      }
    }
    for (let k = 0; k < 100; k++) {
      const apiKey = rng.pick([-1, 5, 6, 7, 17, 21, 23, 32, 42, 67, 999, 0x7fff, -0x8000]);
      const version = rng.int(-1, 12);
      cases.push({ apiKey, version, kind: 'random', frame: frameOf(apiKey, version, corr++, rng.bytes(rng.int(0, 64))), decode: null });
    }
    // Shuffle so the lanes mix APIs.
    for (let i = cases.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [cases[i], cases[j]] = [cases[j], cases[i]];
    }

    const stats = { response: 0, closed: 0, timeout: 0 };
    const perApi: Record<string, typeof stats> = {};
    const problems: string[] = [];
    const describeCase = (fc: FuzzCase) => `${fc.kind} api=${fc.apiKey} v=${fc.version} frame=${fc.frame.toString('hex').slice(0, 400)}`;
    let nextCase = 0;
    const LANES = 50;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        let client: RawClient | null = null;
        while (nextCase < cases.length) {
          const fc = cases[nextCase++];
          if (!client || client.closed) client = await RawClient.connect(broker.port);
          const expectedCorr = fc.frame.length >= 12 ? fc.frame.readInt32BE(8) : null;
          client.write(fc.frame);
          const outcome = await client.next(MAY_WAIT.has(fc.apiKey) ? 300 : 1500);
          stats[outcome.kind]++;
          const key = `${fc.apiKey}/${fc.kind}`;
          perApi[key] ??= { response: 0, closed: 0, timeout: 0 };
          perApi[key][outcome.kind]++;
          if (outcome.kind === 'response') {
            if (outcome.frame.correlationId !== expectedCorr) problems.push(`wrong correlation id ${outcome.frame.correlationId}: ${describeCase(fc)}`);
            const inRange = SUPPORTED_APIS.get(fc.apiKey);
            const served = inRange && fc.version >= inRange.min && fc.version <= inRange.max;
            if (fc.apiKey === ApiKey.ApiVersions) {
              try {
                const parsed = parseApiVersions(outcome.frame.body, served ? fc.version : 0);
                if (parsed.errorCode !== (served ? 0 : 35)) problems.push(`ApiVersions error ${parsed.errorCode}: ${describeCase(fc)}`);
              } catch (err) {
                problems.push(`bad ApiVersions response (${(err as Error).message}): ${describeCase(fc)}`);
              }
            } else if (!served) {
              problems.push(`answered an unsupported API/version: ${describeCase(fc)}`);
            } else if (fc.decode) {
              try {
                await fc.decode(outcome.frame.body);
              } catch (err) {
                problems.push(`kafkajs cannot decode the response (${(err as Error).message}): ${describeCase(fc)}`);
              }
            }
          } else {
            if (fc.kind === 'valid') problems.push(`valid request got ${outcome.kind}: ${describeCase(fc)}`);
            if (outcome.kind === 'timeout' && !MAY_WAIT.has(fc.apiKey)) problems.push(`no answer and no close: ${describeCase(fc)}`);
            client.destroy();
            client = null;
          }
        }
        client?.destroy();
      }),
    );
    const fuzzMs = Date.now() - started;

    fuzzing = false;
    await producing;
    await waitFor(() => sentValues.every((v) => received.has(v)), 20_000, 'the healthy consumer to receive every message');
    expect(received.size).toBe(sentValues.length);
    expect(watched.serverClosed).toEqual([]);

    // The broker is still fully usable by the same clients.
    const [res] = await producer.send({ topic: healthyTopic, messages: [{ value: 'after' }] });
    expect(res.errorCode).toBe(0);
    await waitFor(() => received.has('after'), 10_000, 'the last message');

    // eslint-disable-next-line no-console
    console.log(`fuzz: ${cases.length} requests in ${fuzzMs} ms over ${LANES} lanes; ${JSON.stringify(stats)}; healthy messages ${sentValues.length}`);
    if (process.env.FUZZ_STATS) console.log(JSON.stringify(perApi, null, 0));
    expect(problems).toEqual([]);
    expect(processErrors).toEqual([]);
    expect(stats.response).toBeGreaterThan(500);
    expect(stats.closed).toBeGreaterThan(500);
    // Every connection the broker closed, it closed for a protocol reason: no TypeError or RangeError.
    expect(brokerLog.filter((line) => !PROTOCOL_REJECTION.test(line))).toEqual([]);
    expect(brokerLog.length).toBeGreaterThan(500);
  });
});
