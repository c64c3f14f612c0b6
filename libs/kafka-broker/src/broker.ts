import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { BrokerSettings, BrokerState } from './broker-state';
import { Connection } from './connection';
import { GroupCoordinator } from './groups/group-coordinator';
import { OffsetStore } from './storage/offset-store';
import { TopicStore } from './storage/topic-store';

export interface BrokerOptions {
  /** Port to listen on; 0 (the default) picks a free one, which is then advertised. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Host clients are told to connect to; default `host`, or `localhost` when bound to all interfaces. */
  advertisedHost?: string;
  advertisedPort?: number;
  nodeId?: number;
  clusterId?: string;
  /** Keep logs, topics and committed offsets here across restarts; in memory when absent. */
  dataDir?: string;
  /** auto.create.topics.enable; default true. */
  autoCreateTopics?: boolean;
  /** num.partitions for auto-created topics; default 1. */
  defaultPartitions?: number;
  /** message.max.bytes: the largest record batch accepted; default 1 MiB + 12 bytes, as Kafka. */
  maxMessageBytes?: number;
  /** socket.request.max.bytes: larger frames close the connection; default 100 MiB. */
  maxRequestBytes?: number;
  /** log.retention.ms; default 7 days; -1 keeps everything. */
  retentionMs?: number;
  /** log.retention.bytes per partition; default -1 (no limit). */
  retentionBytes?: number;
  /** log.segment.bytes; default 64 MiB. */
  segmentBytes?: number;
  /** fsync every append to disk; default false (a process crash loses nothing, a power cut may). */
  fsync?: boolean;
  /** group.initial.rebalance.delay.ms; default 0 (Kafka ships 3000; 0 suits dev and tests). */
  groupInitialRebalanceDelayMs?: number;
  /** group.min.session.timeout.ms; default 6000. */
  groupMinSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms; default 1800000. */
  groupMaxSessionTimeoutMs?: number;
  /** Receives one line per notable event (closed connections). Silent by default. */
  log?: (line: string) => void;
}

export interface RunningBroker {
  host: string;
  port: number;
  /** `host:port`, ready for a `brokers` list or `KAFKA_BROKERS`. */
  address: string;
  stop(): Promise<void>;
}

const RETENTION_CHECK_MS = 60_000;

/** Starts a single-node Kafka-compatible broker and resolves once it accepts connections. */
export async function startBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir ?? null;
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const log = options.log ?? (() => undefined);

  const topics = new TopicStore(dataDir, {
    segmentBytes: options.segmentBytes ?? 64 * 1024 * 1024,
    retentionBytes: options.retentionBytes ?? -1,
    retentionMs: options.retentionMs ?? 7 * 24 * 3600 * 1000,
    fsync: options.fsync ?? false,
  });
  const offsets = new OffsetStore(dataDir);
  const groups = new GroupCoordinator({
    minSessionTimeoutMs: options.groupMinSessionTimeoutMs ?? 6000,
    maxSessionTimeoutMs: options.groupMaxSessionTimeoutMs ?? 1_800_000,
    initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 0,
  });
  for (const g of offsets.groupIds()) groups.registerOffsetOnlyGroup(g);
  const appends = new EventEmitter().setMaxListeners(0);

  const settings: BrokerSettings = {
    nodeId: options.nodeId ?? 1,
    clusterId: options.clusterId ?? 'crm-embedded-kafka',
    advertisedHost: options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? 'localhost' : host),
    advertisedPort: 0,
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions: options.defaultPartitions ?? 1,
    maxMessageBytes: options.maxMessageBytes ?? 1024 * 1024 + 12,
  };
  // Seeded from the clock so ids are not reused across restarts (idempotent producers).
  let producerId = Date.now();
  const state: BrokerState = { settings, topics, offsets, groups, appends, nextProducerId: () => producerId++ };

  const connections = new Set<Connection>();
  const maxRequestBytes = options.maxRequestBytes ?? 100 * 1024 * 1024;
  const server = net.createServer((socket) => {
    const conn = new Connection(socket, state, maxRequestBytes, log);
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  settings.advertisedPort = options.advertisedPort ?? port;
  const retention = setInterval(() => topics.applyRetention(), RETENTION_CHECK_MS).unref();

  let stopped: Promise<void> | null = null;
  return {
    host: settings.advertisedHost,
    port: settings.advertisedPort,
    address: `${settings.advertisedHost}:${settings.advertisedPort}`,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        clearInterval(retention);
        groups.shutdown();
        server.close(() => resolve());
        for (const c of connections) c.close();
        topics.close();
        offsets.close();
      });
      return stopped;
    },
  };
}
