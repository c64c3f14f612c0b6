import { ErrorCode } from '../protocol/error-codes';
import { Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';
import { RequestContext } from '../broker-state';
import { createTopic } from './topic-admin';

export function metadata(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const requested = r.nullableArray((r) => r.string());
  // v1-3 follow the broker's auto.create.topics.enable; v4+ also need the client's consent.
  const allowAutoCreate = ctx.broker.settings.autoCreateTopics && (v >= 4 ? r.bool() : true);
  const { topics, settings } = ctx.broker;

  // null asks for every topic; an empty list asks for none.
  const names = requested ?? topics.all().map((t) => t.name);
  const entries = names.map((name) => {
    let errorCode: number = ErrorCode.NONE;
    if (!topics.get(name)) {
      errorCode = allowAutoCreate ? createTopic(ctx.broker, name, -1, {}) : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    }
    return { name, errorCode, partitions: topics.get(name)?.partitions.length ?? 0 };
  });

  const w = new Writer();
  if (v >= 3) w.int32(0); // throttle_time_ms
  w.array([settings], (w, s) => {
    w.int32(s.nodeId).string(s.advertisedHost).int32(s.advertisedPort).nullableString(null);
  });
  if (v >= 2) w.nullableString(settings.clusterId);
  w.int32(settings.nodeId); // controller_id: the only node is the controller
  w.array(entries, (w, t) => {
    w.int16(t.errorCode).string(t.name).bool(false);
    w.array(range(t.partitions), (w, p) => {
      w.int16(ErrorCode.NONE).int32(p).int32(settings.nodeId);
      w.array([settings.nodeId], (w, id) => w.int32(id)); // replicas
      w.array([settings.nodeId], (w, id) => w.int32(id)); // in-sync replicas
      if (v >= 5) w.int32(0); // offline_replicas: empty
    });
  });
  return w;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
