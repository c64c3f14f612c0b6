import * as fs from 'node:fs';
import * as path from 'node:path';
import { LogConfig, PartitionLog } from './partition-log';

export interface Topic {
  name: string;
  partitions: PartitionLog[];
  /** Topic-level overrides as given to CreateTopics (e.g. `retention.ms`). */
  configs: Record<string, string>;
}

const LEGAL_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function isLegalTopicName(name: string): boolean {
  return LEGAL_NAME.test(name) && name !== '.' && name !== '..';
}

/** Kafka topic configs we honour, mapped onto a partition's log settings. */
export function logConfigFor(defaults: LogConfig, configs: Record<string, string>): LogConfig {
  const num = (key: string, fallback: number): number => {
    const v = configs[key];
    return v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : fallback;
  };
  return {
    segmentBytes: num('segment.bytes', defaults.segmentBytes),
    retentionBytes: num('retention.bytes', defaults.retentionBytes),
    retentionMs: num('retention.ms', defaults.retentionMs),
    fsync: defaults.fsync,
  };
}

/** The broker's topics; with a data directory each topic keeps `topic.json` beside its partitions. */
export class TopicStore {
  private readonly topics = new Map<string, Topic>();
  private readonly root: string | null;

  constructor(
    dataDir: string | null,
    private readonly defaults: LogConfig,
  ) {
    this.root = dataDir ? path.join(dataDir, 'topics') : null;
    if (this.root) {
      fs.mkdirSync(this.root, { recursive: true });
      for (const name of fs.readdirSync(this.root)) this.loadTopic(name);
    }
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  all(): Topic[] {
    return [...this.topics.values()];
  }

  create(name: string, partitionCount: number, configs: Record<string, string> = {}): Topic {
    const dir = this.root ? path.join(this.root, name) : null;
    if (dir) {
      fs.mkdirSync(dir, { recursive: true });
      const meta = path.join(dir, 'topic.json');
      fs.writeFileSync(`${meta}.tmp`, JSON.stringify({ name, partitions: partitionCount, configs }));
      fs.renameSync(`${meta}.tmp`, meta);
    }
    const topic = this.open(name, partitionCount, configs, dir);
    this.topics.set(name, topic);
    return topic;
  }

  delete(name: string): boolean {
    const topic = this.topics.get(name);
    if (!topic) return false;
    this.topics.delete(name);
    for (const p of topic.partitions) p.destroy();
    if (this.root) fs.rmSync(path.join(this.root, name), { recursive: true, force: true });
    return true;
  }

  applyRetention(now = Date.now()): void {
    for (const t of this.topics.values()) for (const p of t.partitions) p.applyRetention(now);
  }

  close(): void {
    for (const t of this.topics.values()) for (const p of t.partitions) p.close();
  }

  private open(name: string, count: number, configs: Record<string, string>, dir: string | null): Topic {
    const config = logConfigFor(this.defaults, configs);
    const partitions = Array.from({ length: count }, (_, i) => new PartitionLog(dir ? path.join(dir, String(i)) : null, config));
    return { name, partitions, configs };
  }

  private loadTopic(dirName: string): void {
    const dir = path.join(this.root!, dirName);
    const metaFile = path.join(dir, 'topic.json');
    if (!fs.existsSync(metaFile)) return; // a create that crashed before its metadata was written
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { name: string; partitions: number; configs: Record<string, string> };
    this.topics.set(meta.name, this.open(meta.name, meta.partitions, meta.configs ?? {}, dir));
  }
}
