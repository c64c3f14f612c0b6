import { ErrorCode } from '../protocol/error-codes';
import { parseRecordBatches } from '../protocol/record-batch';
import { MalformedRequestError, Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';
import { RequestContext } from '../broker-state';

interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: number;
  logStartOffset: number;
}

/**
 * Produce v3-7 (RecordBatch v2). v0-2 are parsed and refused with UNSUPPORTED_VERSION.
 * A partition's batches are all parsed and checked before any is appended (an idempotent
 * producer's sequence is the one check made per batch while appending).
 * acks=0 gets no response; as in Kafka, a failed acks=0 write closes the connection instead, so
 * the client notices and refreshes its metadata.
 */
export function produce(ctx: RequestContext, r: Reader): Writer | null {
  const v = ctx.apiVersion;
  if (v >= 3) r.nullableString(); // transactional_id: transactions are not supported
  const acks = r.int16();
  r.int32(); // timeout_ms: every write is complete before we answer
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ index: r.int32(), records: r.nullableBytes() })),
  }));

  const { broker } = ctx;
  const results = topics.map((t) => {
    const topic = broker.topics.get(t.name);
    const partitions = t.partitions.map((p): PartitionResult => {
      const fail = (errorCode: number): PartitionResult => ({ index: p.index, errorCode, baseOffset: -1, logStartOffset: -1 });
      if (v < 3) return fail(ErrorCode.UNSUPPORTED_VERSION);
      if (acks !== 0 && acks !== 1 && acks !== -1) return fail(ErrorCode.INVALID_REQUIRED_ACKS);
      const log = topic?.partitions[p.index];
      if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      if (!p.records) return fail(ErrorCode.CORRUPT_MESSAGE);
      const parsed = parseRecordBatches(p.records, maxMessageBytes(broker.settings.maxMessageBytes, topic.configs));
      if ('error' in parsed) return fail(parsed.error);
      let baseOffset = -1;
      for (const batch of parsed.batches) {
        const outcome = log.append(batch);
        if ('outOfOrder' in outcome) return fail(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
        if (baseOffset < 0) baseOffset = outcome.baseOffset;
      }
      broker.appends.emit('append', t.name, p.index);
      return { index: p.index, errorCode: ErrorCode.NONE, baseOffset, logStartOffset: log.logStartOffset };
    });
    return { name: t.name, partitions };
  });

  if (acks === 0) {
    const failed = results.some((t) => t.partitions.some((p) => p.errorCode !== ErrorCode.NONE));
    if (failed) throw new MalformedRequestError('acks=0 produce failed');
    return null;
  }
  const w = new Writer();
  w.array(results, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.index).int16(p.errorCode).int64(p.baseOffset);
      if (v >= 2) w.int64(-1); // log_append_time: we keep CreateTime
      if (v >= 5) w.int64(p.logStartOffset);
    });
  });
  if (v >= 1) w.int32(0);
  return w;
}

function maxMessageBytes(brokerDefault: number, configs: Record<string, string>): number {
  const override = Number(configs['max.message.bytes']);
  return Number.isFinite(override) && override > 0 ? override : brokerDefault;
}
