import { crc32c } from './crc32c';
import { ErrorCode } from './error-codes';

/** Byte positions in a RecordBatch v2 header. */
const BASE_OFFSET = 0;
const BATCH_LENGTH = 8;
const LEADER_EPOCH = 12;
const MAGIC = 16;
const CRC = 17;
const ATTRIBUTES = 21;
const LAST_OFFSET_DELTA = 23;
const FIRST_TIMESTAMP = 27;
const MAX_TIMESTAMP = 35;
const PRODUCER_ID = 43;
const PRODUCER_EPOCH = 51;
const BASE_SEQUENCE = 53;
const RECORD_COUNT = 57;
export const BATCH_HEADER_SIZE = 61;
const LOG_OVERHEAD = 12;

/** One RecordBatch as received: `data` is its exact bytes; only the base offset is ever rewritten. */
export interface RecordBatch {
  data: Buffer;
  lastOffsetDelta: number;
  firstTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  compression: number;
}

export type BatchParseResult = { batches: RecordBatch[] } | { error: ErrorCode };

/**
 * Splits a Produce request's record set into v2 batches, checking framing, magic and CRC-32C.
 * Compressed batches are kept opaque: the CRC covers the compressed bytes, so nothing is decoded.
 */
export function parseRecordBatches(records: Buffer, maxBatchBytes: number): BatchParseResult {
  const batches: RecordBatch[] = [];
  let off = 0;
  while (off < records.length) {
    if (records.length - off < LOG_OVERHEAD) return { error: ErrorCode.CORRUPT_MESSAGE };
    const size = LOG_OVERHEAD + records.readInt32BE(off + BATCH_LENGTH);
    if (size < BATCH_HEADER_SIZE || off + size > records.length) return { error: ErrorCode.CORRUPT_MESSAGE };
    if (size > maxBatchBytes) return { error: ErrorCode.MESSAGE_TOO_LARGE };
    const data = records.subarray(off, off + size);
    if (data[MAGIC] !== 2) return { error: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT };
    if (data.readUInt32BE(CRC) !== crc32c(data, ATTRIBUTES)) return { error: ErrorCode.CORRUPT_MESSAGE };
    batches.push(describeBatch(data));
    off += size;
  }
  if (batches.length === 0) return { error: ErrorCode.CORRUPT_MESSAGE };
  return { batches };
}

export function describeBatch(data: Buffer): RecordBatch {
  return {
    data,
    lastOffsetDelta: data.readInt32BE(LAST_OFFSET_DELTA),
    firstTimestamp: Number(data.readBigInt64BE(FIRST_TIMESTAMP)),
    maxTimestamp: Number(data.readBigInt64BE(MAX_TIMESTAMP)),
    producerId: Number(data.readBigInt64BE(PRODUCER_ID)),
    producerEpoch: data.readInt16BE(PRODUCER_EPOCH),
    baseSequence: data.readInt32BE(BASE_SEQUENCE),
    recordCount: data.readInt32BE(RECORD_COUNT),
    compression: data.readInt16BE(ATTRIBUTES) & 0x07,
  };
}

/** Writes the broker-assigned base offset (and leader epoch 0); neither is covered by the CRC. */
export function assignBaseOffset(data: Buffer, baseOffset: number): void {
  data.writeBigInt64BE(BigInt(baseOffset), BASE_OFFSET);
  data.writeInt32BE(0, LEADER_EPOCH);
}

export function batchBaseOffset(data: Buffer): number {
  return Number(data.readBigInt64BE(BASE_OFFSET));
}

/** Size of the batch that starts at `off`, or -1 if the buffer ends before it does. */
export function batchSizeAt(buf: Buffer, off: number): number {
  if (buf.length - off < LOG_OVERHEAD) return -1;
  const size = LOG_OVERHEAD + buf.readInt32BE(off + BATCH_LENGTH);
  if (size < BATCH_HEADER_SIZE || off + size > buf.length) return -1;
  return size;
}

/**
 * Offset and timestamp of each record of an uncompressed batch (used by ListOffsets by time).
 * Returns null for compressed batches, which we never decode.
 */
export function recordTimestamps(batch: RecordBatch, baseOffset: number): { offset: number; timestamp: number }[] | null {
  if (batch.compression !== 0) return null;
  const buf = batch.data;
  const out: { offset: number; timestamp: number }[] = [];
  let pos = BATCH_HEADER_SIZE;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++];
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    // zig-zag decode without 32-bit overflow
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  };
  for (let i = 0; i < batch.recordCount && pos < buf.length; i++) {
    const length = varint();
    if (!(length > 0)) break; // a forged length would stall the cursor for up to recordCount rounds
    const start = pos;
    pos += 1; // attributes
    const timestampDelta = varint();
    const offsetDelta = varint();
    out.push({ offset: baseOffset + offsetDelta, timestamp: batch.firstTimestamp + timestampDelta });
    pos = start + length;
  }
  return out;
}
