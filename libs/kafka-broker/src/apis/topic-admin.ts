import { ErrorCode } from '../protocol/error-codes';
import { Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';
import { BrokerState, RequestContext } from '../broker-state';
import { isLegalTopicName } from '../storage/topic-store';

/** Creates a topic; `partitions` of -1 means the broker default. Returns a Kafka error code. */
export function createTopic(broker: BrokerState, name: string, partitions: number, configs: Record<string, string>): number {
  if (!isLegalTopicName(name)) return ErrorCode.INVALID_TOPIC_EXCEPTION;
  if (broker.topics.get(name)) return ErrorCode.TOPIC_ALREADY_EXISTS;
  const count = partitions === -1 ? broker.settings.defaultPartitions : partitions;
  if (count < 1 || count > 10_000) return ErrorCode.INVALID_PARTITIONS;
  broker.topics.create(name, count, configs);
  return ErrorCode.NONE;
}

export function createTopics(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const requests = r.array((r) => ({
    name: r.string(),
    partitions: r.int32(),
    replicationFactor: r.int16(),
    assignments: r.array((r) => ({ partition: r.int32(), brokers: r.array((r) => r.int32()) })),
    configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
  }));
  r.int32(); // timeout_ms
  const validateOnly = v >= 1 ? r.bool() : false;

  const results = requests.map((t) => {
    const fail = (errorCode: number, message: string) => ({ name: t.name, errorCode, message });
    if (t.replicationFactor !== -1 && t.replicationFactor !== 1 && t.assignments.length === 0) {
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be 1: this broker has one node.');
    }
    const partitions = t.assignments.length > 0 ? t.assignments.length : t.partitions;
    if (!isLegalTopicName(t.name)) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Illegal topic name '${t.name}'.`);
    if (ctx.broker.topics.get(t.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
    if (partitions !== -1 && partitions < 1) return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be at least 1.');
    if (validateOnly) return { name: t.name, errorCode: ErrorCode.NONE, message: null };
    const configs: Record<string, string> = {};
    for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
    const errorCode = createTopic(ctx.broker, t.name, partitions, configs);
    return { name: t.name, errorCode, message: errorCode === ErrorCode.NONE ? null : 'Topic creation failed.' };
  });

  const w = new Writer();
  if (v >= 2) w.int32(0);
  w.array(results, (w, t) => {
    w.string(t.name).int16(t.errorCode);
    if (v >= 1) w.nullableString(t.message);
  });
  return w;
}

export function deleteTopics(ctx: RequestContext, r: Reader): Writer {
  const names = r.array((r) => r.string());
  r.int32(); // timeout_ms
  const results = names.map((name) => {
    if (!ctx.broker.topics.delete(name)) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    ctx.broker.offsets.deleteTopic(name);
    return { name, errorCode: ErrorCode.NONE };
  });
  const w = new Writer();
  if (ctx.apiVersion >= 1) w.int32(0);
  w.array(results, (w, t) => w.string(t.name).int16(t.errorCode));
  return w;
}
