import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Kafka, KafkaMessage, Producer, logLevel } from 'kafkajs';
import { CloudEvent, EventDefinition } from '@crm/contracts';
import { MessagingTables1700000000200, OutboxRelay, publishInTransaction } from '@crm/messaging';
import { typeormOptions } from '@crm/persistence';
import { createTestDatabase, testInfraFromEnv } from './test-infra';

/**
 * Stands in for identity in other services' tests: events go through an outbox in a database of
 * their own and the real relay, exactly as identity publishes them. It can also put raw bytes on a
 * topic, to replay a delivery or send something malformed, and read a topic back.
 */
export class IdentityEventsFixture {
  private constructor(
    readonly dataSource: DataSource,
    private readonly kafka: Kafka,
    private readonly relay: OutboxRelay,
    private readonly relayProducer: Producer,
    private readonly rawProducer: Producer,
  ) {}

  /** `brokers`: the test broker by default; a suite's own broker when it sends malformed messages. */
  static async start(label = 'identity_fixture', brokers = testInfraFromEnv().kafkaBrokers): Promise<IdentityEventsFixture> {
    const url = await createTestDatabase(testInfraFromEnv().postgresUrl, label);
    const ds = new DataSource(typeormOptions({ url, entities: [], migrations: [MessagingTables1700000000200], poolSize: 2 }));
    await ds.initialize();
    const kafka = new Kafka({ clientId: 'identity-fixture', brokers, logLevel: logLevel.NOTHING });
    const relayProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const relay = new OutboxRelay(ds, relayProducer, url, { pollIntervalMs: 200 });
    await relay.start();
    const rawProducer = kafka.producer();
    await rawProducer.connect();
    return new IdentityEventsFixture(ds, kafka, relay, relayProducer, rawProducer);
  }

  /** Records the event in a committed transaction; the relay publishes it (key = subject = the aggregate id). */
  publish<T extends { id: string; tenantId: string }>(def: EventDefinition<T>, data: T): Promise<CloudEvent<T>> {
    return this.dataSource.transaction((m) => publishInTransaction(m, def, { tenantId: data.tenantId, subject: data.id, data }));
  }

  /** Sends a message as given, bypassing the outbox. */
  async sendRaw(topic: string, key: string, value: string): Promise<void> {
    await this.rawProducer.send({ topic, acks: -1, messages: [{ key, value }] });
  }

  /** Every message of a topic from the beginning, read until `done` holds or `ms` pass. */
  async readTopic(topic: string, done: (seen: KafkaMessage[]) => boolean, ms = 15_000): Promise<KafkaMessage[]> {
    const consumer = this.kafka.consumer({ groupId: `fixture-reader-${randomBytes(6).toString('hex')}`, sessionTimeout: 6000, maxWaitTimeInMs: 100 });
    const seen: KafkaMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
      const deadline = Date.now() + ms;
      while (!done(seen) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  async close(): Promise<void> {
    await this.relay.stop();
    await this.relayProducer.disconnect();
    await this.rawProducer.disconnect();
    await this.dataSource.destroy();
  }
}
