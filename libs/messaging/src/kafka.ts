import { Kafka, logLevel } from 'kafkajs';

/** One kafkajs client per process, from the `KAFKA_BROKERS` list. */
export function createKafka(brokers: string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.ERROR,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
  });
}
