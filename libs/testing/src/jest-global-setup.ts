import { startTestInfra } from './test-infra';

/** Starts PostgreSQL and the broker once for the whole jest run; workers read them from env. */
export default async function globalSetup(): Promise<void> {
  const infra = await startTestInfra();
  process.env.CRM_TEST_POSTGRES_URL = infra.postgresUrl;
  process.env.CRM_TEST_KAFKA_BROKERS = infra.kafkaBrokers.join(',');
  process.env.CRM_TEST_KAFKA_EMBEDDED = infra.kafkaEmbedded ? '1' : '0';
  (globalThis as { __crmTestInfra?: typeof infra }).__crmTestInfra = infra;
}
