import { EventEmitter } from 'node:events';
import { GroupCoordinator } from './groups/group-coordinator';
import { OffsetStore } from './storage/offset-store';
import { TopicStore } from './storage/topic-store';

/** Settings every handler may read; filled from `BrokerOptions` with Kafka's defaults. */
export interface BrokerSettings {
  nodeId: number;
  clusterId: string;
  advertisedHost: string;
  advertisedPort: number;
  autoCreateTopics: boolean;
  defaultPartitions: number;
  maxMessageBytes: number;
}

/** Everything a request handler may touch. */
export interface BrokerState {
  settings: BrokerSettings;
  topics: TopicStore;
  offsets: OffsetStore;
  groups: GroupCoordinator;
  /** Emits `append` with (topic, partition) after records are stored; wakes long-polling fetches. */
  appends: EventEmitter;
  nextProducerId(): number;
}

export interface RequestContext {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string;
  clientHost: string;
  broker: BrokerState;
}
