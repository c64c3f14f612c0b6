export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
} as const;
export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];

export interface VersionRange {
  /** Lowest version we advertise in ApiVersions. */
  min: number;
  max: number;
  /** Lowest version we actually serve, when it differs from `min` (see Produce). */
  minServed?: number;
}

/**
 * What we advertise, measured against kafkajs 2.2.4 and librdkafka 2.0.2.
 * Produce advertises 0 because librdkafka 2.0 reads a missing v0 as "old broker" and then
 * refuses to compress; versions 0-2 (pre-RecordBatch) are answered with UNSUPPORTED_VERSION.
 */
export const SUPPORTED_APIS: ReadonlyMap<number, VersionRange> = new Map([
  [ApiKey.Produce, { min: 0, max: 7, minServed: 3 }],
  [ApiKey.Fetch, { min: 4, max: 11 }],
  [ApiKey.ListOffsets, { min: 1, max: 3 }],
  [ApiKey.Metadata, { min: 1, max: 6 }],
  [ApiKey.OffsetCommit, { min: 2, max: 5 }],
  [ApiKey.OffsetFetch, { min: 1, max: 4 }],
  [ApiKey.FindCoordinator, { min: 0, max: 2 }],
  [ApiKey.JoinGroup, { min: 0, max: 5 }],
  [ApiKey.Heartbeat, { min: 0, max: 3 }],
  [ApiKey.LeaveGroup, { min: 0, max: 3 }],
  [ApiKey.SyncGroup, { min: 0, max: 3 }],
  [ApiKey.DescribeGroups, { min: 0, max: 2 }],
  [ApiKey.ListGroups, { min: 0, max: 2 }],
  [ApiKey.ApiVersions, { min: 0, max: 3 }],
  [ApiKey.CreateTopics, { min: 0, max: 3 }],
  [ApiKey.DeleteTopics, { min: 0, max: 1 }],
  [ApiKey.InitProducerId, { min: 0, max: 1 }],
]);

/** Request header v2 (with tagged fields) is used only by flexible versions; of ours, ApiVersions v3. */
export function isFlexibleRequest(apiKey: number, version: number): boolean {
  return apiKey === ApiKey.ApiVersions && version >= 3;
}
