import { ErrorCode } from '../protocol/error-codes';
import { Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';
import { BrokerState, RequestContext } from '../broker-state';

interface PartitionFetch {
  partition: number;
  fetchOffset: number;
  maxBytes: number;
}

interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  topics: { name: string; partitions: PartitionFetch[] }[];
}

/**
 * Fetch v4-11. Fetch sessions (KIP-227) are declined by answering session id 0, so every fetch is a
 * full fetch. When less than min_bytes is ready the request long-polls: it is answered as soon as
 * enough data arrives, and never later than max_wait_ms.
 */
export function fetch(ctx: RequestContext, r: Reader): Writer | Promise<Writer> {
  const v = ctx.apiVersion;
  r.int32(); // replica_id
  const maxWaitMs = r.int32();
  const minBytes = r.int32();
  const maxBytes = r.int32();
  r.int8(); // isolation_level: without transactions both levels read the same
  if (v >= 7) {
    r.int32(); // session_id
    r.int32(); // session_epoch
  }
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r): PartitionFetch => {
      const partition = r.int32();
      if (v >= 9) r.int32(); // current_leader_epoch
      const fetchOffset = r.int64n();
      if (v >= 5) r.int64(); // log_start_offset (followers only)
      return { partition, fetchOffset, maxBytes: r.int32() };
    }),
  }));
  if (v >= 7) r.array((r) => [r.string(), r.array((r) => r.int32())]); // forgotten_topics_data
  if (v >= 11) r.string(); // rack_id

  const req: FetchRequest = { maxWaitMs, minBytes, maxBytes, topics };
  const respond = () => fetchResponse(ctx.broker, v, req);
  if (maxWaitMs <= 0 || readyBytes(ctx.broker, req) >= Math.max(1, minBytes) || hasError(ctx.broker, req)) return respond();

  const wanted = new Set(topics.flatMap((t) => t.partitions.map((p) => `${t.name}\0${p.partition}`)));
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      ctx.broker.appends.off('append', onAppend);
      resolve(respond());
    };
    const onAppend = (topic: string, partition: number) => {
      if (wanted.has(`${topic}\0${partition}`) && readyBytes(ctx.broker, req) >= Math.max(1, minBytes)) finish();
    };
    // unref: a fetch parked when the broker stops must not keep the process alive for max_wait_ms.
    const timer = setTimeout(finish, maxWaitMs).unref();
    ctx.broker.appends.on('append', onAppend);
  });
}

function readyBytes(broker: BrokerState, req: FetchRequest): number {
  let bytes = 0;
  for (const t of req.topics) {
    const topic = broker.topics.get(t.name);
    for (const p of t.partitions) {
      const log = topic?.partitions[p.partition];
      if (log) bytes += log.bytesAvailable(p.fetchOffset, req.minBytes);
    }
  }
  return bytes;
}

function hasError(broker: BrokerState, req: FetchRequest): boolean {
  return req.topics.some((t) => {
    const topic = broker.topics.get(t.name);
    return t.partitions.some((p) => {
      const log = topic?.partitions[p.partition];
      return !log || p.fetchOffset < log.logStartOffset || p.fetchOffset > log.nextOffset;
    });
  });
}

function fetchResponse(broker: BrokerState, v: number, req: FetchRequest): Writer {
  let budget = req.maxBytes > 0 ? req.maxBytes : Number.MAX_SAFE_INTEGER;
  const w = new Writer().int32(0); // throttle_time_ms
  if (v >= 7) w.int16(ErrorCode.NONE).int32(0); // error_code, session_id 0: no session
  w.array(req.topics, (w, t) => {
    const topic = broker.topics.get(t.name);
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      const log = topic?.partitions[p.partition];
      let errorCode: number = ErrorCode.NONE;
      let batches: Buffer[] = [];
      if (!log) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.nextOffset) errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
      else if (budget > 0) {
        batches = log.read(p.fetchOffset, Math.min(p.maxBytes, budget));
        for (const b of batches) budget -= b.length;
      }
      const highWatermark = log ? log.nextOffset : -1;
      w.int32(p.partition).int16(errorCode).int64(highWatermark);
      w.int64(highWatermark); // last_stable_offset
      if (v >= 5) w.int64(log ? log.logStartOffset : -1);
      w.int32(-1); // aborted_transactions: null
      if (v >= 11) w.int32(-1); // preferred_read_replica: none
      w.int32(batches.reduce((n, b) => n + b.length, 0));
      for (const b of batches) w.raw(b);
    });
  });
  return w;
}
