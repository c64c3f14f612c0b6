import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Admin, Kafka, Producer } from 'kafkajs';
import { ConsumerOptions, EventConsumer } from './event-consumer';
import { createKafka } from './kafka';
import { OutboxRelay } from './outbox-relay';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');
export const EVENT_CONSUMERS = Symbol('EVENT_CONSUMERS');
export const BROKER_HEALTH = Symbol('BROKER_HEALTH');

export interface MessagingOptions {
  brokers: string[];
  /** The service name: Kafka client id, and the prefix of its consumer names (inbox). */
  service: string;
  /**
   * Consumer groups are `[<groupPrefix>.]<service>.<consumer>`. The replicas of one deployment share
   * them (and a database); another deployment on the same brokers (a test, a staging copy) needs
   * its own prefix, or its consumers would share the partitions and offsets of the first.
   */
  groupPrefix?: string;
  databaseUrl: string;
  consumers?: Omit<ConsumerOptions, 'log'>[];
}

export type BrokerHealth = () => Promise<void>;

@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  private stopping = false;
  private starting: Promise<void>[] = [];

  constructor(
    private readonly relay: OutboxRelay,
    @Inject(EVENT_CONSUMERS) private readonly consumers: EventConsumer[],
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(KAFKA) private readonly admin: { admin: Admin },
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
    // Consumers connect in the background: a service boots (and reports not-ready) while the broker is away.
    this.starting = this.consumers.map((c) => this.startConsumer(c));
  }

  private async startConsumer(c: EventConsumer): Promise<void> {
    for (let delay = 500; !this.stopping; delay = Math.min(delay * 2, 10_000)) {
      try {
        await c.start();
        return;
      } catch (err) {
        this.logger.warn(`consumer could not start, retrying in ${delay} ms: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.relay.stop();
    // A consumer stopped halfway through joining its group leaves a member behind that the group
    // waits for until its session times out (30 s): let joins in flight finish first, briefly.
    await Promise.race([Promise.all(this.starting), new Promise((r) => setTimeout(r, 10_000).unref())]);
    await Promise.all(this.consumers.map((c) => c.stop().catch(() => undefined)));
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.admin.disconnect().catch(() => undefined);
  }
}

/**
 * Kafka for a service: the client, the idempotent producer the outbox relay publishes with, the
 * relay itself, the service's event consumers, and a broker health check.
 */
@Module({})
export class MessagingModule {
  static forRoot(o: MessagingOptions): DynamicModule {
    const logger = new Logger('Messaging');
    const log = (msg: string, err?: unknown) => logger.warn(err ? `${msg}: ${(err as Error).message ?? err}` : msg);
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: KAFKA, useFactory: () => { const kafka = createKafka(o.brokers, o.service); return Object.assign(kafka, { admin: kafka.admin() }); } },
        {
          provide: KAFKA_PRODUCER,
          useFactory: (kafka: Kafka) => kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true }),
          inject: [KAFKA],
        },
        {
          provide: OutboxRelay,
          useFactory: (ds: DataSource, producer: Producer) => new OutboxRelay(ds, producer, o.databaseUrl, { log }),
          inject: [DataSource, KAFKA_PRODUCER],
        },
        {
          provide: EVENT_CONSUMERS,
          useFactory: (kafka: Kafka, ds: DataSource) => (o.consumers ?? []).map((c) => new EventConsumer(kafka, ds, { ...c, name: `${o.service}.${c.name}`, groupId: `${o.groupPrefix ? `${o.groupPrefix}.` : ''}${o.service}.${c.name}`, log })),
          inject: [KAFKA, DataSource],
        },
        {
          provide: BROKER_HEALTH,
          useFactory: (kafka: { admin: Admin }): BrokerHealth => {
            let connected = false;
            return async () => {
              if (!connected) {
                await kafka.admin.connect();
                connected = true;
              }
              try {
                await kafka.admin.describeCluster();
              } catch (err) {
                connected = false;
                await kafka.admin.disconnect().catch(() => undefined);
                throw err;
              }
            };
          },
          inject: [KAFKA],
        },
        MessagingLifecycle,
      ],
      exports: [KAFKA, KAFKA_PRODUCER, OutboxRelay, EVENT_CONSUMERS, BROKER_HEALTH],
    };
  }
}
