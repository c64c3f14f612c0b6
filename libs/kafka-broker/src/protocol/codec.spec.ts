import { crc32c } from './crc32c';
import { ErrorCode } from './error-codes';
import { MalformedRequestError, Reader } from './reader';
import {
  BATCH_HEADER_SIZE,
  RecordBatch,
  assignBaseOffset,
  batchBaseOffset,
  batchSizeAt,
  parseRecordBatches,
  recordTimestamps,
} from './record-batch';
import { Writer } from './writer';

// kafkajs' own RecordBatch v2 encoder: an independent implementation to check our parser against.
/* eslint-disable @typescript-eslint/no-var-requires */
const { RecordBatch: encodeKafkajsBatch } = require('kafkajs/src/protocol/recordBatch/v0');
const encodeKafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0');
const kafkajsCrc32c: (b: Buffer) => number = require('kafkajs/src/protocol/recordBatch/crc32C');
const Long = require('kafkajs/src/utils/long');
/* eslint-enable @typescript-eslint/no-var-requires */

const MAX = 1024 * 1024 + 12;

/** The bytes of a Writer, joined. */
function bytesOf(w: Writer): Buffer {
  return Buffer.concat(w.finish());
}

function readerOf(w: Writer): Reader {
  return new Reader(bytesOf(w));
}

interface TestMessage {
  key?: string | null;
  value: string | Buffer | null;
  timestamp: number;
  headers?: Record<string, string>;
}

/** A RecordBatch v2 as kafkajs would put on the wire (base offset 0). */
async function kafkajsBatch(
  messages: TestMessage[],
  opts: { compression?: number; producerId?: number; producerEpoch?: number; firstSequence?: number } = {},
): Promise<Buffer> {
  const firstTimestamp = Math.min(...messages.map((m) => m.timestamp));
  const maxTimestamp = Math.max(...messages.map((m) => m.timestamp));
  const records = messages.map((m, i) =>
    encodeKafkajsRecord({
      offsetDelta: i,
      timestampDelta: m.timestamp - firstTimestamp,
      key: m.key == null ? null : Buffer.from(m.key),
      value: m.value == null ? null : Buffer.from(m.value),
      headers: m.headers ?? {},
    }),
  );
  const encoder = await encodeKafkajsBatch({
    compression: opts.compression ?? 0,
    records,
    firstTimestamp,
    maxTimestamp,
    lastOffsetDelta: records.length - 1,
    producerId: Long.fromValue(opts.producerId ?? -1),
    producerEpoch: opts.producerEpoch ?? 0,
    firstSequence: opts.firstSequence ?? 0,
  });
  return Buffer.from(encoder.buffer as Buffer);
}

const T0 = 1_700_000_000_000;
const THREE: TestMessage[] = [
  { key: 'k1', value: 'first', timestamp: T0 },
  { key: null, value: 'second', timestamp: T0 + 5, headers: { h: 'v' } },
  { key: 'k3', value: null, timestamp: T0 + 3 },
];

/** Byte positions in a RecordBatch v2 header (see the Kafka protocol guide). */
const POS = { batchLength: 8, leaderEpoch: 12, magic: 16, crc: 17, attributes: 21, recordCount: 57 };

function expectError(result: ReturnType<typeof parseRecordBatches>, code: number): void {
  expect(result).toEqual({ error: code });
}

function batchesOf(result: ReturnType<typeof parseRecordBatches>): RecordBatch[] {
  if ('error' in result) throw new Error(`parseRecordBatches failed with error ${result.error}`);
  return result.batches;
}

describe('Writer/Reader round trips', () => {
  it('fixed-width integers and booleans, including their extremes', () => {
    const w = new Writer()
      .int8(0)
      .int8(-128)
      .int8(127)
      .bool(true)
      .bool(false)
      .int16(-32768)
      .int16(32767)
      .int16(-1)
      .int32(-2147483648)
      .int32(2147483647)
      .int32(0x12345678)
      .int64(0)
      .int64(-1)
      .int64(9223372036854775807n)
      .int64(-9223372036854775808n)
      .int64(Number.MAX_SAFE_INTEGER)
      .int64(T0);
    const bytes = bytesOf(w);
    expect(bytes.length).toBe(3 + 2 + 6 + 12 + 6 * 8);
    const r = new Reader(bytes);
    expect([r.int8(), r.int8(), r.int8()]).toEqual([0, -128, 127]);
    expect([r.bool(), r.bool()]).toEqual([true, false]);
    expect([r.int16(), r.int16(), r.int16()]).toEqual([-32768, 32767, -1]);
    expect([r.int32(), r.int32(), r.int32()]).toEqual([-2147483648, 2147483647, 0x12345678]);
    expect([r.int64(), r.int64(), r.int64(), r.int64()]).toEqual([0n, -1n, 9223372036854775807n, -9223372036854775808n]);
    expect(r.int64n()).toBe(Number.MAX_SAFE_INTEGER);
    expect(r.int64n()).toBe(T0);
    expect(r.remaining).toBe(0);
  });

  it('big-endian layout on the wire', () => {
    expect(bytesOf(new Writer().int16(0x0102).int32(0x03040506).int64(0x0708))).toEqual(
      Buffer.from([1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0, 7, 8]),
    );
  });

  it('unsigned varints, single- and multi-byte, with their exact encodings', () => {
    const cases: [number, number[]][] = [
      [0, [0x00]],
      [1, [0x01]],
      [127, [0x7f]],
      [128, [0x80, 0x01]],
      [300, [0xac, 0x02]],
      [16383, [0xff, 0x7f]],
      [16384, [0x80, 0x80, 0x01]],
      [2 ** 21 - 1, [0xff, 0xff, 0x7f]],
      [2 ** 21, [0x80, 0x80, 0x80, 0x01]],
      [2 ** 28 - 1, [0xff, 0xff, 0xff, 0x7f]],
      [2 ** 31 - 1, [0xff, 0xff, 0xff, 0xff, 0x07]],
      [2 ** 32 - 1, [0xff, 0xff, 0xff, 0xff, 0x0f]],
    ];
    for (const [value, encoded] of cases) {
      const bytes = bytesOf(new Writer().uvarint(value));
      expect([value, [...bytes]]).toEqual([value, encoded]);
      const r = new Reader(bytes);
      expect(r.uvarint()).toBe(value);
      expect(r.remaining).toBe(0);
    }
    // Many in a row, so each one stops exactly where it should.
    const values = [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 24 + 3, 2 ** 31 + 17, 12345678901];
    const w = new Writer();
    for (const v of values) w.uvarint(v);
    const r = readerOf(w);
    expect(values.map(() => r.uvarint())).toEqual(values);
    expect(r.remaining).toBe(0);
  });

  it('rejects a varint longer than five bytes', () => {
    const r = new Reader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]));
    expect(() => r.uvarint()).toThrow(MalformedRequestError);
  });

  it('strings and nullable strings (ASCII, multi-byte UTF-8, empty, null)', () => {
    const w = new Writer()
      .string('hello')
      .string('')
      .string('ünïcødé ✓ 日本 🚀')
      .nullableString(null)
      .nullableString(undefined)
      .nullableString('x');
    const bytes = bytesOf(w);
    // int16 length counts bytes, not UTF-16 code units.
    expect(bytes.readInt16BE(0)).toBe(5);
    const r = new Reader(bytes);
    expect(r.string()).toBe('hello');
    expect(r.string()).toBe('');
    expect(r.string()).toBe('ünïcødé ✓ 日本 🚀');
    expect(r.nullableString()).toBeNull();
    expect(r.nullableString()).toBeNull();
    expect(r.nullableString()).toBe('x');
    expect(r.remaining).toBe(0);
  });

  it('a null where a string is required is malformed', () => {
    expect(() => readerOf(new Writer().nullableString(null)).string()).toThrow(MalformedRequestError);
    expect(() => readerOf(new Writer().compactNullableString(null)).compactString()).toThrow(MalformedRequestError);
  });

  it('compact strings and compact nullable strings', () => {
    const long = 'é'.repeat(100); // 200 bytes: a two-byte length varint
    const w = new Writer().compactString('abc').compactString('').compactString(long).compactNullableString(null).compactNullableString('z');
    const bytes = bytesOf(w);
    expect([...bytes.subarray(0, 4)]).toEqual([4, 0x61, 0x62, 0x63]); // length + 1
    const r = new Reader(bytes);
    expect(r.compactString()).toBe('abc');
    expect(r.compactString()).toBe('');
    expect(r.compactString()).toBe(long);
    expect(r.compactNullableString()).toBeNull();
    expect(r.compactNullableString()).toBe('z');
    expect(r.remaining).toBe(0);
  });

  it('bytes and nullable bytes; reads are views into the request buffer', () => {
    const small = Buffer.from([1, 2, 3]);
    const large = Buffer.alloc(4096, 7); // large enough to be appended by reference
    const w = new Writer().bytes(small).bytes(Buffer.alloc(0)).nullableBytes(null).nullableBytes(large).int8(9);
    const chunks = w.finish();
    expect(chunks).toContain(large);
    const buf = Buffer.concat(chunks);
    const r = new Reader(buf);
    const first = r.bytes();
    expect(first).toEqual(small);
    expect(first.buffer).toBe(buf.buffer);
    expect(r.bytes()).toEqual(Buffer.alloc(0));
    expect(r.nullableBytes()).toBeNull();
    expect(r.nullableBytes()).toEqual(large);
    expect(r.int8()).toBe(9);
    expect(r.remaining).toBe(0);
    expect(() => readerOf(new Writer().nullableBytes(null)).bytes()).toThrow(MalformedRequestError);
  });

  it('Writer.length tracks scratch and by-reference chunks', () => {
    const w = new Writer().int32(1).raw(Buffer.alloc(1000)).int16(2).raw(Buffer.alloc(10));
    expect(w.length).toBe(4 + 1000 + 2 + 10);
    expect(Buffer.concat(w.finish()).length).toBe(1016);
    // The scratch buffer grows past its initial 256 bytes without losing data.
    const g = new Writer();
    for (let i = 0; i < 1000; i++) g.int32(i);
    const r = readerOf(g);
    for (let i = 0; i < 1000; i++) expect(r.int32()).toBe(i);
  });

  it('arrays, nested arrays and compact arrays', () => {
    const topics = [
      { name: 'a', partitions: [0, 1, 2] },
      { name: 'b', partitions: [] as number[] },
    ];
    const w = new Writer()
      .array(topics, (w, t) => w.string(t.name).array(t.partitions, (w, p) => w.int32(p)))
      .array([], () => undefined)
      .compactArray(['x', 'yy'], (w, s) => w.compactString(s))
      .compactArray([], () => undefined);
    const r = readerOf(w);
    expect(r.array((r) => ({ name: r.string(), partitions: r.array((r) => r.int32()) }))).toEqual(topics);
    expect(r.array((r) => r.int32())).toEqual([]);
    expect(r.compactArray((r) => r.compactString())).toEqual(['x', 'yy']);
    expect(r.compactArray((r) => r.compactString())).toEqual([]);
    expect(r.remaining).toBe(0);
  });

  it('nullable arrays: -1 is null, and null is malformed where an array is required', () => {
    const bytes = bytesOf(new Writer().int32(-1).int32(-1).array([5], (w, v) => w.int32(v)));
    const r = new Reader(bytes);
    expect(r.nullableArray((r) => r.int32())).toBeNull();
    expect(() => r.array((r) => r.int32())).toThrow(MalformedRequestError);
    expect(r.nullableArray((r) => r.int32())).toEqual([5]);
    // A compact array's null (length 0) reads as empty.
    expect(new Reader(Buffer.from([0])).compactArray((r) => r.int8())).toEqual([]);
  });

  it('skips tagged fields it does not understand', () => {
    const w = new Writer()
      .uvarint(3) // three tagged fields
      .uvarint(0)
      .uvarint(3)
      .raw(Buffer.from([1, 2, 3]))
      .uvarint(7)
      .uvarint(0)
      .uvarint(300) // a multi-byte tag
      .uvarint(200) // and a multi-byte size
      .raw(Buffer.alloc(200, 0xee))
      .int32(0x7eadbeef)
      .emptyTaggedFields()
      .int16(42);
    const r = readerOf(w);
    r.taggedFields();
    expect(r.int32()).toBe(0x7eadbeef);
    r.taggedFields();
    expect(r.int16()).toBe(42);
    expect(r.remaining).toBe(0);
  });

  it('a Reader can start at an offset', () => {
    const r = new Reader(Buffer.from([9, 9, 0, 5]), 2);
    expect(r.remaining).toBe(2);
    expect(r.int16()).toBe(5);
  });
});

describe('Reader on malformed input', () => {
  const truncations: [string, number[], (r: Reader) => unknown][] = [
    ['int8 of nothing', [], (r) => r.int8()],
    ['int16 of one byte', [1], (r) => r.int16()],
    ['int32 of three bytes', [1, 2, 3], (r) => r.int32()],
    ['int64 of seven bytes', [1, 2, 3, 4, 5, 6, 7], (r) => r.int64()],
    ['int64n of four bytes', [0, 0, 0, 1], (r) => r.int64n()],
    ['varint whose continuation bit runs off the end', [0x80, 0x80], (r) => r.uvarint()],
    ['string longer than the buffer', [0, 10, 0x61, 0x62, 0x63], (r) => r.string()],
    ['string length with no body', [0, 1], (r) => r.nullableString()],
    ['compact string longer than the buffer', [11, 0x61], (r) => r.compactString()],
    ['compact string with a huge varint length', [0xff, 0xff, 0xff, 0xff, 0x0f], (r) => r.compactNullableString()],
    ['bytes longer than the buffer', [0, 0, 0, 4, 1, 2], (r) => r.bytes()],
    ['bytes with a 2 GiB length', [0x7f, 0xff, 0xff, 0xff, 1], (r) => r.nullableBytes()],
    ['array whose items run off the end', [0, 0, 0, 2, 0, 0, 0, 1], (r) => r.array((r) => r.int32())],
    ['array item string cut short', [0, 0, 0, 1, 0, 3, 0x61], (r) => r.array((r) => r.string())],
    ['tagged field whose data runs off the end', [1, 0, 5, 1, 2], (r) => r.taggedFields()],
    ['tagged-field count with no fields', [2], (r) => r.taggedFields()],
  ];
  it.each(truncations)('throws MalformedRequestError: %s', (_name, bytes, read) => {
    expect(() => read(new Reader(Buffer.from(bytes)))).toThrow(MalformedRequestError);
  });

  it('every proper prefix of a valid request fails cleanly, never with another error', () => {
    const w = new Writer()
      .nullableString('client')
      .int16(-1)
      .int32(30000)
      .array(['topic-a', 'topic-b'], (w, t) =>
        w.string(t).array([0, 1], (w, p) => w.int32(p).nullableBytes(Buffer.from('records'))),
      )
      .compactString('x')
      .emptyTaggedFields();
    const full = bytesOf(w);
    const parse = (r: Reader) => {
      r.nullableString();
      r.int16();
      r.int32();
      r.array((r) => ({ name: r.string(), partitions: r.array((r) => ({ p: r.int32(), b: r.nullableBytes() })) }));
      r.compactString();
      r.taggedFields();
    };
    expect(() => parse(new Reader(full))).not.toThrow();
    for (let n = 0; n < full.length; n++) {
      expect(() => parse(new Reader(full.subarray(0, n)))).toThrow(MalformedRequestError);
    }
  });

  it('rejects absurd array lengths before allocating or looping', () => {
    const item = jest.fn((r: Reader) => r.int8());
    const huge = Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0]);
    expect(() => new Reader(huge).array(item)).toThrow(MalformedRequestError);
    expect(() => new Reader(huge).nullableArray(item)).toThrow(MalformedRequestError);
    // A compact array of ~2^35 items.
    expect(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0])).compactArray(item)).toThrow(MalformedRequestError);
    // Just one more item than bytes left.
    expect(() => new Reader(Buffer.from([0, 0, 0, 4, 1, 2, 3])).array(item)).toThrow(MalformedRequestError);
    expect(item).not.toHaveBeenCalled();
  });
});

describe('crc32c', () => {
  it('matches the standard CRC-32C check values', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    // RFC 3720 (iSCSI), appendix B.4
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('honours start and end', () => {
    const buf = Buffer.concat([Buffer.from('xxxxx'), Buffer.from('123456789'), Buffer.from('yyy')]);
    expect(crc32c(buf, 5, 14)).toBe(0xe3069283);
    expect(crc32c(buf, 5)).toBe(crc32c(buf.subarray(5)));
  });

  it('agrees with kafkajs on every length around the 8-byte stride', () => {
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
    for (let len = 0; len < 80; len++) {
      const buf = Buffer.from(Array.from({ length: len }, rand));
      expect([len, crc32c(buf)]).toEqual([len, kafkajsCrc32c(buf)]);
    }
    const big = Buffer.from(Array.from({ length: 100_003 }, rand));
    expect(crc32c(big)).toBe(kafkajsCrc32c(big));
  });
});

describe('record batches', () => {
  it('parses a RecordBatch v2 encoded by kafkajs', async () => {
    const data = await kafkajsBatch(THREE, { producerId: 4242, producerEpoch: 3, firstSequence: 17 });
    const [batch, ...rest] = batchesOf(parseRecordBatches(data, MAX));
    expect(rest).toEqual([]);
    expect(batch.data).toEqual(data);
    expect(batch).toMatchObject({
      lastOffsetDelta: 2,
      firstTimestamp: T0,
      maxTimestamp: T0 + 5,
      producerId: 4242,
      producerEpoch: 3,
      baseSequence: 17,
      recordCount: 3,
      compression: 0,
    });
    expect(batchSizeAt(data, 0)).toBe(data.length);
  });

  it('parses several batches back to back, each a view of its own bytes', async () => {
    const a = await kafkajsBatch(THREE);
    const b = await kafkajsBatch([{ value: 'only', timestamp: T0 + 100 }]);
    const records = Buffer.concat([a, b]);
    const batches = batchesOf(parseRecordBatches(records, MAX));
    expect(batches.map((x) => x.recordCount)).toEqual([3, 1]);
    expect(batches[0].data).toEqual(a);
    expect(batches[1].data).toEqual(b);
    expect(batches[1].data.buffer).toBe(records.buffer);
    expect(batchSizeAt(records, a.length)).toBe(b.length);
  });

  it('keeps a compressed batch opaque but still checks its CRC', async () => {
    const data = await kafkajsBatch(THREE, { compression: 1 /* gzip */ });
    const [batch] = batchesOf(parseRecordBatches(data, MAX));
    expect(batch.compression).toBe(1);
    expect(batch.recordCount).toBe(3);
    expect(recordTimestamps(batch, 0)).toBeNull();
    const flipped = Buffer.from(data);
    flipped[flipped.length - 3] ^= 0x01;
    expectError(parseRecordBatches(flipped, MAX), ErrorCode.CORRUPT_MESSAGE);
  });

  it('rejects any flipped bit covered by the CRC (CORRUPT_MESSAGE)', async () => {
    const data = await kafkajsBatch(THREE);
    for (let pos = POS.crc; pos < data.length; pos++) {
      for (const bit of [0x01, 0x80]) {
        const copy = Buffer.from(data);
        copy[pos] ^= bit;
        expect([pos, bit, parseRecordBatches(copy, MAX)]).toEqual([pos, bit, { error: ErrorCode.CORRUPT_MESSAGE }]);
      }
    }
  });

  it('rejects a damaged batch length (CORRUPT_MESSAGE)', async () => {
    const data = await kafkajsBatch(THREE);
    for (const length of [-1, 0, BATCH_HEADER_SIZE - 13, data.length - 12 - 1, data.length - 12 + 1, 0x7fffffff]) {
      const copy = Buffer.from(data);
      copy.writeInt32BE(length, POS.batchLength);
      expect([length, parseRecordBatches(copy, MAX)]).toEqual([length, { error: ErrorCode.CORRUPT_MESSAGE }]);
    }
  });

  it('rejects truncated, empty and trailing-garbage record sets (CORRUPT_MESSAGE)', async () => {
    const data = await kafkajsBatch(THREE);
    for (const n of [0, 1, 11, 12, BATCH_HEADER_SIZE - 1, BATCH_HEADER_SIZE, data.length - 1]) {
      expectError(parseRecordBatches(data.subarray(0, n), MAX), ErrorCode.CORRUPT_MESSAGE);
    }
    expectError(parseRecordBatches(Buffer.concat([data, Buffer.from([0, 0, 0])]), MAX), ErrorCode.CORRUPT_MESSAGE);
    expectError(parseRecordBatches(Buffer.concat([data, Buffer.alloc(40)]), MAX), ErrorCode.CORRUPT_MESSAGE);
  });

  it('ignores the base offset and leader epoch, which the CRC does not cover', async () => {
    const data = await kafkajsBatch(THREE);
    data.writeBigInt64BE(123456789n, 0);
    data.writeInt32BE(99, POS.leaderEpoch);
    expect(batchesOf(parseRecordBatches(data, MAX))).toHaveLength(1);
  });

  it('rejects a batch larger than the maximum (MESSAGE_TOO_LARGE)', async () => {
    const data = await kafkajsBatch([{ value: Buffer.alloc(5000, 1), timestamp: T0 }]);
    expect(batchesOf(parseRecordBatches(data, data.length))).toHaveLength(1);
    expectError(parseRecordBatches(data, data.length - 1), ErrorCode.MESSAGE_TOO_LARGE);
    expectError(parseRecordBatches(data, 1000), ErrorCode.MESSAGE_TOO_LARGE);
    // The limit is per batch: two batches that each fit are accepted.
    expect(batchesOf(parseRecordBatches(Buffer.concat([data, data]), data.length))).toHaveLength(2);
  });

  it('rejects magic other than 2 (old message formats)', async () => {
    const data = await kafkajsBatch(THREE);
    for (const magic of [0, 1, 3, 0xff]) {
      const copy = Buffer.from(data);
      copy[POS.magic] = magic;
      const result = parseRecordBatches(copy, MAX);
      expect('error' in result).toBe(true);
      expect(result).toEqual({ error: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT });
    }
  });

  it('assignBaseOffset rewrites only the base offset and leader epoch, keeping the CRC valid', async () => {
    const data = await kafkajsBatch(THREE);
    data.writeInt32BE(7, POS.leaderEpoch);
    const before = Buffer.from(data);
    assignBaseOffset(data, 2 ** 40 + 5);
    expect(batchBaseOffset(data)).toBe(2 ** 40 + 5);
    expect(data.readInt32BE(POS.leaderEpoch)).toBe(0);
    expect(data.subarray(16)).toEqual(before.subarray(16));
    expect(batchesOf(parseRecordBatches(data, MAX))).toHaveLength(1);
  });

  it('recordTimestamps returns each record’s offset and timestamp', async () => {
    const data = await kafkajsBatch(THREE);
    const [batch] = batchesOf(parseRecordBatches(data, MAX));
    expect(recordTimestamps(batch, 100)).toEqual([
      { offset: 100, timestamp: T0 },
      { offset: 101, timestamp: T0 + 5 },
      { offset: 102, timestamp: T0 + 3 },
    ]);
    expect(recordTimestamps(batch, 0)!.map((r) => r.offset)).toEqual([0, 1, 2]);
  });

  it('recordTimestamps handles multi-byte varints (large records and timestamp deltas)', async () => {
    const messages: TestMessage[] = Array.from({ length: 50 }, (_, i) => ({
      key: `key-${i}`,
      value: Buffer.alloc(i * 97, i),
      timestamp: T0 + i * 1_000_003, // deltas up to ~49e6: four-byte varlongs
    }));
    const data = await kafkajsBatch(messages);
    const [batch] = batchesOf(parseRecordBatches(data, MAX));
    expect(recordTimestamps(batch, 2 ** 33)).toEqual(messages.map((m, i) => ({ offset: 2 ** 33 + i, timestamp: m.timestamp })));
  });

  it('recordTimestamps stops at a malformed record instead of looping over a forged record count', async () => {
    const data = await kafkajsBatch(THREE);
    const [batch] = batchesOf(parseRecordBatches(data, MAX));
    // A record count far beyond the records present, and a first record whose length is -1
    // (zig-zag 0x01), which would otherwise leave the cursor where it was on every iteration.
    const forged = Buffer.from(data);
    forged.writeInt32BE(0x7fffffff, POS.recordCount);
    forged[BATCH_HEADER_SIZE] = 0x01;
    const started = Date.now();
    const out = recordTimestamps({ ...batch, data: forged, recordCount: 0x7fffffff }, 0);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(out!.length).toBeLessThanOrEqual(3);
    // An honest batch with an inflated count yields just the records that are there.
    const inflated = Buffer.from(data);
    inflated.writeInt32BE(1000, POS.recordCount);
    expect(recordTimestamps({ ...batch, data: inflated, recordCount: 1000 }, 0)).toHaveLength(3);
  });
});
