import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  RecordBatch,
  assignBaseOffset,
  batchBaseOffset,
  batchSizeAt,
  describeBatch,
  recordTimestamps,
} from '../protocol/record-batch';

export interface LogConfig {
  /** Roll to a new segment past this many bytes. */
  segmentBytes: number;
  /** Delete whole old segments while the partition is larger than this; -1 for no limit. */
  retentionBytes: number;
  /** Delete whole old segments whose newest record is older than this; -1 for no limit. */
  retentionMs: number;
  /** fsync after each append (slower; protects against power loss, not only process crashes). */
  fsync: boolean;
}

interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  batch: RecordBatch;
}

interface Segment {
  baseOffset: number;
  batches: StoredBatch[];
  bytes: number;
  maxTimestamp: number;
  lastAppendAt: number;
  fd: number | null;
  file: string | null;
}

/** Idempotent-producer state: enough to answer a retried batch with its original offset. */
interface ProducerState {
  epoch: number;
  recent: { firstSeq: number; lastSeq: number; baseOffset: number }[];
}

export type AppendOutcome = { baseOffset: number; duplicate: boolean } | { outOfOrder: true };

const SEGMENT_NAME = /^(\d{20})\.log$/;

/**
 * One partition's log: segments of record batches in memory, mirrored to append-only files when
 * the broker has a data directory. Reads are served from memory; retention drops whole segments.
 */
export class PartitionLog {
  private segments: Segment[] = [];
  private producers = new Map<number, ProducerState>();
  nextOffset = 0;

  constructor(
    private readonly dir: string | null,
    private config: LogConfig,
  ) {
    if (dir) {
      fs.mkdirSync(dir, { recursive: true });
      this.load(dir);
    }
    if (this.segments.length === 0) this.roll(0);
  }

  get logStartOffset(): number {
    for (const s of this.segments) if (s.batches.length > 0) return s.batches[0].baseOffset;
    return this.nextOffset;
  }

  get sizeBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.bytes;
    return n;
  }

  reconfigure(config: LogConfig): void {
    this.config = config;
  }

  /** Appends a batch, assigning its offsets; a retried idempotent batch gets its first offset back. */
  append(batch: RecordBatch, now = Date.now()): AppendOutcome {
    const check = this.checkSequence(batch);
    if (check) return check;
    const baseOffset = this.nextOffset;
    assignBaseOffset(batch.data, baseOffset);
    let seg = this.segments[this.segments.length - 1];
    if (seg.bytes > 0 && seg.bytes + batch.data.length > this.config.segmentBytes) seg = this.roll(baseOffset);
    if (seg.fd !== null) {
      fs.writeSync(seg.fd, batch.data);
      if (this.config.fsync) fs.fsyncSync(seg.fd);
    }
    this.addToSegment(seg, batch, baseOffset, now);
    this.rememberSequence(batch, baseOffset);
    this.applyRetention(now);
    return { baseOffset, duplicate: false };
  }

  /**
   * Batches from the one holding `offset` on, up to `maxBytes` (always at least one whole batch,
   * as Kafka does since KIP-74, so a large batch can never stall a consumer).
   */
  read(offset: number, maxBytes: number): Buffer[] {
    const out: Buffer[] = [];
    let bytes = 0;
    let segIdx = this.findSegment(offset);
    if (segIdx < 0) return out;
    let batchIdx = findBatch(this.segments[segIdx].batches, offset);
    for (; segIdx < this.segments.length; segIdx++, batchIdx = 0) {
      const batches = this.segments[segIdx].batches;
      for (; batchIdx < batches.length; batchIdx++) {
        const data = batches[batchIdx].batch.data;
        if (out.length > 0 && bytes + data.length > maxBytes) return out;
        out.push(data);
        bytes += data.length;
      }
    }
    return out;
  }

  /** Bytes available from `offset` on, capped at `cap` (for Fetch min_bytes). */
  bytesAvailable(offset: number, cap: number): number {
    let bytes = 0;
    for (let s = this.segments.length - 1; s >= 0 && bytes < cap; s--) {
      const batches = this.segments[s].batches;
      for (let i = batches.length - 1; i >= 0 && bytes < cap; i--) {
        if (batches[i].lastOffset < offset) return bytes;
        bytes += batches[i].batch.data.length;
      }
    }
    return bytes;
  }

  /** Earliest offset whose timestamp is at or after `timestamp`, or null when there is none. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    for (const seg of this.segments) {
      if (seg.maxTimestamp < timestamp) continue;
      for (const stored of seg.batches) {
        if (stored.batch.maxTimestamp < timestamp) continue;
        const records = recordTimestamps(stored.batch, stored.baseOffset);
        if (records === null) return { offset: stored.baseOffset, timestamp: stored.batch.maxTimestamp };
        const hit = records.find((r) => r.timestamp >= timestamp);
        if (hit) return hit;
      }
    }
    return null;
  }

  applyRetention(now = Date.now()): void {
    const { retentionBytes, retentionMs } = this.config;
    let size = this.sizeBytes;
    while (this.segments.length > 1) {
      const oldest = this.segments[0];
      const tooBig = retentionBytes >= 0 && size - oldest.bytes >= retentionBytes;
      const tooOld = retentionMs >= 0 && now - oldest.lastAppendAt > retentionMs;
      if (!tooBig && !tooOld) break;
      this.segments.shift();
      size -= oldest.bytes;
      this.closeSegment(oldest, true);
    }
  }

  close(): void {
    for (const s of this.segments) this.closeSegment(s, false);
  }

  /** Closes files and removes the partition's directory. */
  destroy(): void {
    this.close();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private roll(baseOffset: number): Segment {
    let fd: number | null = null;
    let file: string | null = null;
    if (this.dir) {
      file = path.join(this.dir, `${String(baseOffset).padStart(20, '0')}.log`);
      fd = fs.openSync(file, 'a');
    }
    const seg: Segment = { baseOffset, batches: [], bytes: 0, maxTimestamp: -1, lastAppendAt: Date.now(), fd, file };
    this.segments.push(seg);
    return seg;
  }

  private addToSegment(seg: Segment, batch: RecordBatch, baseOffset: number, appendedAt: number): void {
    const lastOffset = baseOffset + batch.lastOffsetDelta;
    seg.batches.push({ baseOffset, lastOffset, batch });
    seg.bytes += batch.data.length;
    seg.maxTimestamp = Math.max(seg.maxTimestamp, batch.maxTimestamp);
    seg.lastAppendAt = appendedAt;
    this.nextOffset = lastOffset + 1;
  }

  private closeSegment(seg: Segment, deleteFile: boolean): void {
    if (seg.fd !== null) fs.closeSync(seg.fd);
    seg.fd = null;
    if (deleteFile && seg.file) fs.rmSync(seg.file, { force: true });
  }

  private findSegment(offset: number): number {
    if (offset < this.logStartOffset || offset >= this.nextOffset) return -1;
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Rebuilds segments from disk; a torn last write (a crash mid-append) is cut off. */
  private load(dir: string): void {
    const files = fs
      .readdirSync(dir)
      .filter((f) => SEGMENT_NAME.test(f))
      .sort();
    for (const name of files) {
      const file = path.join(dir, name);
      const buf = fs.readFileSync(file);
      const stat = fs.statSync(file);
      const seg: Segment = {
        baseOffset: Number(SEGMENT_NAME.exec(name)![1]),
        batches: [],
        bytes: 0,
        maxTimestamp: -1,
        lastAppendAt: stat.mtimeMs,
        fd: null,
        file,
      };
      let off = 0;
      for (let size = batchSizeAt(buf, off); size > 0; size = batchSizeAt(buf, off)) {
        const batch = describeBatch(buf.subarray(off, off + size));
        this.addToSegment(seg, batch, batchBaseOffset(batch.data), stat.mtimeMs);
        this.rememberSequence(batch, batchBaseOffset(batch.data));
        off += size;
      }
      if (off < buf.length) fs.truncateSync(file, off);
      if (seg.batches.length === 0 && seg.baseOffset > this.nextOffset) this.nextOffset = seg.baseOffset;
      this.segments.push(seg);
    }
    const active = this.segments[this.segments.length - 1];
    if (active?.file) active.fd = fs.openSync(active.file, 'a');
  }

  private checkSequence(batch: RecordBatch): AppendOutcome | null {
    if (batch.producerId < 0 || batch.baseSequence < 0) return null;
    const state = this.producers.get(batch.producerId);
    if (!state || batch.producerEpoch !== state.epoch) return null;
    const lastSeq = batch.baseSequence + batch.lastOffsetDelta;
    const seen = state.recent.find((r) => r.firstSeq === batch.baseSequence && r.lastSeq === lastSeq);
    if (seen) return { baseOffset: seen.baseOffset, duplicate: true };
    const expected = (state.recent[state.recent.length - 1].lastSeq + 1) % 2 ** 31;
    if (batch.baseSequence !== expected) return { outOfOrder: true };
    return null;
  }

  private rememberSequence(batch: RecordBatch, baseOffset: number): void {
    if (batch.producerId < 0 || batch.baseSequence < 0) return;
    let state = this.producers.get(batch.producerId);
    if (!state || state.epoch !== batch.producerEpoch) {
      state = { epoch: batch.producerEpoch, recent: [] };
      this.producers.set(batch.producerId, state);
    }
    state.recent.push({ firstSeq: batch.baseSequence, lastSeq: batch.baseSequence + batch.lastOffsetDelta, baseOffset });
    if (state.recent.length > 5) state.recent.shift();
  }
}

function findBatch(batches: StoredBatch[], offset: number): number {
  let lo = 0;
  let hi = batches.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (batches[mid].lastOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
