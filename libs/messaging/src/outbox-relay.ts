import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Producer } from 'kafkajs';

export interface RelayOptions {
  batchSize?: number;
  /** Poll even without a notification, in case one was missed. */
  pollIntervalMs?: number;
  /** Published rows older than this are deleted. */
  keepPublishedMs?: number;
  log?: (msg: string, err?: unknown) => void;
}

interface Row {
  seq: string;
  topic: string;
  key: string;
  event: unknown;
  traceparent: string;
}

/**
 * Publishes committed outbox rows to Kafka in commit order, then marks them published. Woken by
 * NOTIFY at commit and by a poll; on a broker failure the rows stay and are retried with backoff.
 * Rows are claimed with SKIP LOCKED, so two replicas never publish the same row at once.
 */
export class OutboxRelay {
  private running = false;
  private wake: (() => void) | null = null;
  private listener: Client | null = null;
  private loop: Promise<void> | null = null;
  private backoffMs = 0;
  private connected = false;
  /** True while the last attempt to publish failed (for readiness and tests). */
  failing = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: Producer,
    private readonly databaseUrl: string,
    private readonly options: RelayOptions = {},
  ) {}

  async start(): Promise<void> {
    this.running = true;
    this.listener = new Client({ connectionString: this.databaseUrl });
    this.listener.on('notification', () => this.wake?.());
    this.listener.on('error', () => undefined); // the poll keeps working without notifications
    await this.listener.connect();
    await this.listener.query('LISTEN outbox');
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
  }

  /** Publishes everything pending now; returns how many rows went out. */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.publishBatch();
      total += n;
      if (n === 0) return total;
    }
  }

  private async run(): Promise<void> {
    let lastCleanup = 0;
    while (this.running) {
      try {
        const n = await this.publishBatch();
        this.failing = false;
        this.backoffMs = 0;
        if (Date.now() - lastCleanup > 60_000) {
          lastCleanup = Date.now();
          await this.dataSource.query(`DELETE FROM outbox WHERE published_at < now() - ($1 || ' milliseconds')::interval`, [
            String(this.options.keepPublishedMs ?? 7 * 24 * 3600 * 1000),
          ]);
        }
        if (n > 0) continue;
        await this.sleep(this.options.pollIntervalMs ?? 1000);
      } catch (err) {
        this.failing = true;
        this.connected = false; // reconnect on the next attempt (kafkajs gives up after its retries)
        this.backoffMs = Math.min(5000, Math.max(100, this.backoffMs * 2));
        this.options.log?.(`outbox relay: publish failed, retrying in ${this.backoffMs} ms`, err);
        await this.sleep(this.backoffMs);
      }
    }
  }

  private async publishBatch(): Promise<number> {
    if (!this.connected) {
      await this.producer.connect();
      this.connected = true;
    }
    return this.dataSource.transaction(async (m) => {
      const rows: Row[] = await m.query(
        `SELECT seq, topic, key, event, traceparent FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 200],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
      for (const r of rows) {
        const messages = byTopic.get(r.topic) ?? [];
        messages.push({ key: r.key, value: JSON.stringify(r.event), headers: { traceparent: r.traceparent, 'content-type': 'application/cloudevents+json' } });
        byTopic.set(r.topic, messages);
      }
      await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      await m.query('UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])', [rows.map((r) => r.seq)]);
      return rows.length;
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
