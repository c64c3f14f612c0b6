import { ErrorCode } from '../protocol/error-codes';
import { Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';
import { RequestContext } from '../broker-state';
import { JoinResult } from '../groups/group-coordinator';

const MAX_OFFSET_METADATA = 4096;
const OFFSET_METADATA_TOO_LARGE = 12;
const COORDINATOR_KEY_TYPE_GROUP = 0;

/** The single broker coordinates every group; transaction coordinators do not exist here. */
export function findCoordinator(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  r.string(); // key
  const keyType = v >= 1 ? r.int8() : COORDINATOR_KEY_TYPE_GROUP;
  const { nodeId, advertisedHost, advertisedPort } = ctx.broker.settings;
  const ok = keyType === COORDINATOR_KEY_TYPE_GROUP;
  const w = new Writer();
  if (v >= 1) w.int32(0);
  w.int16(ok ? ErrorCode.NONE : ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (v >= 1) w.nullableString(ok ? null : 'Transactions are not supported by this broker.');
  return ok ? w.int32(nodeId).string(advertisedHost).int32(advertisedPort) : w.int32(-1).string('').int32(-1);
}

export function joinGroup(ctx: RequestContext, r: Reader): Writer | Promise<Writer> {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const sessionTimeoutMs = r.int32();
  const rebalanceTimeoutMs = v >= 1 ? r.int32() : sessionTimeoutMs;
  const memberId = r.string();
  const groupInstanceId = v >= 5 ? r.nullableString() : null;
  const protocolType = r.string();
  // Copied so a long-lived group does not pin the request's buffer.
  const protocols = r.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));

  const result = ctx.broker.groups.join({
    groupId,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    memberId,
    groupInstanceId,
    protocolType,
    protocols,
    clientId: ctx.clientId,
    clientHost: ctx.clientHost,
    requireKnownMemberId: v >= 4,
  });
  const write = (res: JoinResult) => {
    const w = new Writer();
    if (v >= 2) w.int32(0);
    w.int16(res.errorCode).int32(res.generationId).string(res.protocolName).string(res.leader).string(res.memberId);
    w.array(res.members, (w, m) => {
      w.string(m.memberId);
      if (v >= 5) w.nullableString(m.groupInstanceId);
      w.bytes(m.metadata);
    });
    return w;
  };
  return result instanceof Promise ? result.then(write) : write(result);
}

export function syncGroup(ctx: RequestContext, r: Reader): Writer | Promise<Writer> {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  if (v >= 3) r.nullableString(); // group_instance_id
  const assignments = r.array((r) => ({ memberId: r.string(), assignment: Buffer.from(r.bytes()) }));
  const result = ctx.broker.groups.sync(groupId, generationId, memberId, assignments);
  const write = (res: { errorCode: number; assignment: Buffer }) => {
    const w = new Writer();
    if (v >= 1) w.int32(0);
    return w.int16(res.errorCode).bytes(res.assignment);
  };
  return result instanceof Promise ? result.then(write) : write(result);
}

export function heartbeat(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  if (v >= 3) r.nullableString(); // group_instance_id
  const w = new Writer();
  if (v >= 1) w.int32(0);
  return w.int16(ctx.broker.groups.heartbeat(groupId, generationId, memberId));
}

export function leaveGroup(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const w = new Writer();
  if (v >= 1) w.int32(0);
  if (v < 3) {
    const [errorCode] = ctx.broker.groups.leave(groupId, [r.string()]);
    return w.int16(errorCode);
  }
  const members = r.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }));
  const codes = ctx.broker.groups.leave(
    groupId,
    members.map((m) => m.memberId),
  );
  w.int16(ErrorCode.NONE);
  return w.array(members, (w, m) => {
    w.string(m.memberId).nullableString(m.groupInstanceId).int16(codes[members.indexOf(m)]);
  });
}

export function offsetCommit(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  if (v <= 4) r.int64(); // retention_time_ms
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ partition: r.int32(), offset: r.int64n(), metadata: r.nullableString() })),
  }));

  const { groups, offsets, topics: store } = ctx.broker;
  const groupError = groups.validateCommit(groupId, generationId, memberId);
  const w = new Writer();
  if (v >= 3) w.int32(0);
  return w.array(topics, (w, t) => {
    const topic = store.get(t.name);
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      let errorCode = groupError;
      if (errorCode === ErrorCode.NONE) {
        if (!topic?.partitions[p.partition]) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if (p.metadata && p.metadata.length > MAX_OFFSET_METADATA) errorCode = OFFSET_METADATA_TOO_LARGE;
        else offsets.commit(groupId, t.name, p.partition, p.offset, p.metadata);
      }
      w.int32(p.partition).int16(errorCode);
    });
  });
}

export function offsetFetch(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const parseTopic = (r: Reader) => ({ name: r.string(), partitions: r.array((r) => r.int32()) });
  const requested = v >= 2 ? r.nullableArray(parseTopic) : r.array(parseTopic);
  const { offsets } = ctx.broker;

  // null (v2+) asks for every offset the group has committed.
  let topics = requested;
  if (topics === null) {
    const byTopic = new Map<string, number[]>();
    for (const o of offsets.forGroup(groupId)) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o.partition]);
    topics = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
  }

  const w = new Writer();
  if (v >= 3) w.int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, partition) => {
      const committed = offsets.get(groupId, t.name, partition);
      w.int32(partition)
        .int64(committed ? committed.offset : -1)
        .nullableString(committed ? committed.metadata : '')
        .int16(ErrorCode.NONE);
    });
  });
  if (v >= 2) w.int16(ErrorCode.NONE);
  return w;
}

export function describeGroups(ctx: RequestContext, r: Reader): Writer {
  const ids = r.array((r) => r.string());
  const w = new Writer();
  if (ctx.apiVersion >= 1) w.int32(0);
  return w.array(ids, (w, id) => {
    const g = ctx.broker.groups.describe(id);
    w.int16(ErrorCode.NONE).string(g.groupId).string(g.state).string(g.protocolType).string(g.protocol);
    w.array(g.members, (w, m) => {
      w.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment);
    });
  });
}

export function listGroups(ctx: RequestContext): Writer {
  const w = new Writer();
  if (ctx.apiVersion >= 1) w.int32(0);
  w.int16(ErrorCode.NONE);
  return w.array(ctx.broker.groups.list(), (w, g) => w.string(g.groupId).string(g.protocolType));
}
