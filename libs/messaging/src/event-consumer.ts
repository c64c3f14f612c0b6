import { DataSource, EntityManager } from 'typeorm';
import { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { CloudEvent } from '@crm/contracts';

export type EventHandler = (event: CloudEvent<any>, manager: EntityManager) => Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ConsumerOptions {
  /** Names the consumer in the inbox (and the Kafka group unless `groupId` is given): `<service>.<purpose>`. */
  name: string;
  groupId?: string;
  topics: string[];
  /** Handlers by CloudEvent type; other types on the topics are skipped. */
  handlers: Record<string, EventHandler>;
  maxAttempts?: number;
  retryDelayMs?: number;
  fromBeginning?: boolean;
  log?: (msg: string, err?: unknown) => void;
}

/** Where a message that failed every attempt goes, with the reason in its headers. */
export const deadLetterTopic = (topic: string) => `${topic}.dlq`;

/**
 * Runs handlers for integration events, each in a transaction that also records the event id
 * in the inbox: a redelivered event is recognised and changes nothing twice. A handler that keeps
 * failing is retried a bounded number of times, then the message goes to the dead-letter topic
 * and the partition moves on.
 */
export class EventConsumer {
  private consumer: Consumer;
  private producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly options: ConsumerOptions,
  ) {
    this.consumer = kafka.consumer({ groupId: options.groupId ?? options.name, sessionTimeout: 30_000, heartbeatInterval: 3000, maxWaitTimeInMs: 1000 });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({ eachMessage: ({ topic, message }) => this.handle(topic, message) });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  /** Applies one message; exposed so tests can replay a delivery exactly. */
  async handle(topic: string, message: KafkaMessage): Promise<void> {
    let event: CloudEvent;
    try {
      event = JSON.parse(message.value?.toString() ?? '') as CloudEvent;
      if (!event?.id || !event.type) throw new Error('not a CloudEvent');
    } catch (err) {
      return this.deadLetter(topic, message, err);
    }
    const handler = this.options.handlers[event.type];
    if (!handler) return;
    const attempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dataSource.transaction(async (m) => {
          const fresh = await m.query('INSERT INTO inbox (event_id, consumer) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id', [
            event.id,
            this.options.name,
          ]);
          if (fresh.length === 0) return; // handled before: a redelivery
          await handler(event, m);
        });
        return;
      } catch (err) {
        if (attempt >= attempts) return this.deadLetter(topic, message, err);
        this.options.log?.(`${this.options.name}: ${event.type} ${event.id} failed (attempt ${attempt}/${attempts})`, err);
        await new Promise((r) => setTimeout(r, (this.options.retryDelayMs ?? 200) * 2 ** (attempt - 1)));
      }
    }
  }

  private async deadLetter(topic: string, message: KafkaMessage, err: unknown): Promise<void> {
    this.options.log?.(`${this.options.name}: sending a message from ${topic} to ${deadLetterTopic(topic)}`, err);
    await this.producer.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            'x-dlq-reason': String((err as Error)?.message ?? err).slice(0, 1000),
            'x-dlq-consumer': this.options.name,
            'x-dlq-original-topic': topic,
            'x-dlq-original-offset': message.offset,
          },
        },
      ],
    });
  }
}
