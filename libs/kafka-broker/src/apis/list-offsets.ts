import { ErrorCode } from '../protocol/error-codes';
import { Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';
import { RequestContext } from '../broker-state';

const LATEST = -1;
const EARLIEST = -2;

/** ListOffsets v1-3: latest (-1), earliest (-2), or the first offset at or after a timestamp. */
export function listOffsets(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  r.int32(); // replica_id
  if (v >= 2) r.int8(); // isolation_level
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ partition: r.int32(), timestamp: r.int64n() })),
  }));

  const w = new Writer();
  if (v >= 2) w.int32(0);
  w.array(topics, (w, t) => {
    const topic = ctx.broker.topics.get(t.name);
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      const log = topic?.partitions[p.partition];
      let answer = { offset: -1, timestamp: -1 };
      let errorCode: number = ErrorCode.NONE;
      if (!log) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (p.timestamp === LATEST) answer = { offset: log.nextOffset, timestamp: -1 };
      else if (p.timestamp === EARLIEST) answer = { offset: log.logStartOffset, timestamp: -1 };
      else answer = log.offsetForTimestamp(p.timestamp) ?? answer;
      w.int32(p.partition).int16(errorCode).int64(answer.timestamp).int64(answer.offset);
    });
  });
  return w;
}
