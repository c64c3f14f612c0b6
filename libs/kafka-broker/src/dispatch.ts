import { ApiKey, SUPPORTED_APIS, isFlexibleRequest } from './protocol/api-keys';
import { MalformedRequestError, Reader } from './protocol/reader';
import { Writer } from './protocol/writer';
import { BrokerState, RequestContext } from './broker-state';
import { apiVersions, apiVersionsFallback } from './apis/api-versions';
import { fetch } from './apis/fetch';
import {
  describeGroups,
  findCoordinator,
  heartbeat,
  joinGroup,
  leaveGroup,
  listGroups,
  offsetCommit,
  offsetFetch,
  syncGroup,
} from './apis/groups';
import { initProducerId } from './apis/init-producer-id';
import { listOffsets } from './apis/list-offsets';
import { metadata } from './apis/metadata';
import { produce } from './apis/produce';
import { createTopics, deleteTopics } from './apis/topic-admin';

type Handler = (ctx: RequestContext, r: Reader) => Writer | null | Promise<Writer | null>;

const HANDLERS: Record<ApiKey, Handler> = {
  [ApiKey.Produce]: produce,
  [ApiKey.Fetch]: fetch,
  [ApiKey.ListOffsets]: listOffsets,
  [ApiKey.Metadata]: metadata,
  [ApiKey.OffsetCommit]: offsetCommit,
  [ApiKey.OffsetFetch]: offsetFetch,
  [ApiKey.FindCoordinator]: findCoordinator,
  [ApiKey.JoinGroup]: joinGroup,
  [ApiKey.Heartbeat]: heartbeat,
  [ApiKey.LeaveGroup]: leaveGroup,
  [ApiKey.SyncGroup]: syncGroup,
  [ApiKey.DescribeGroups]: describeGroups,
  [ApiKey.ListGroups]: listGroups,
  [ApiKey.ApiVersions]: apiVersions,
  [ApiKey.CreateTopics]: createTopics,
  [ApiKey.DeleteTopics]: deleteTopics,
  [ApiKey.InitProducerId]: initProducerId,
};

export interface Reply {
  correlationId: number;
  body: Writer;
}

/**
 * Decodes one request frame and runs its handler. Resolves to the reply, or null when the
 * request wants none (acks=0). Throws MalformedRequestError when the connection must be closed,
 * as Kafka does for unknown APIs, unsupported versions and unparseable requests.
 */
export function dispatch(broker: BrokerState, frame: Buffer, clientHost: string): Reply | null | Promise<Reply | null> {
  const r = new Reader(frame);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const range = SUPPORTED_APIS.get(apiKey);
  if (!range) throw new MalformedRequestError(`unknown API key ${apiKey}`);
  if (apiVersion < range.min || apiVersion > range.max) {
    if (apiKey === ApiKey.ApiVersions) return { correlationId, body: apiVersionsFallback() };
    throw new MalformedRequestError(`unsupported version ${apiVersion} of API ${apiKey}`);
  }
  const clientId = r.nullableString() ?? '';
  if (isFlexibleRequest(apiKey, apiVersion)) r.taggedFields();

  const ctx: RequestContext = { apiKey, apiVersion, correlationId, clientId, clientHost, broker };
  const out = HANDLERS[apiKey as ApiKey](ctx, r);
  const reply = (body: Writer | null): Reply | null => (body ? { correlationId, body } : null);
  return out instanceof Promise ? out.then(reply) : reply(out);
}
