import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startBroker } from '@crm/kafka-broker';
import { ensureDatabase, withDatabase, assertTestDatabase } from '@crm/persistence';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface TestInfra {
  /** Server URL (postgres database): make per-suite databases with `createTestDatabase`. */
  postgresUrl: string;
  kafkaBrokers: string[];
  stop(): Promise<void>;
}

/**
 * PostgreSQL and Kafka for tests: `TEST_POSTGRES_URL` / `KAFKA_BROKERS` when set (e.g. CI with real
 * servers), otherwise the embedded PostgreSQL and the embedded broker on free ports.
 */
export async function startTestInfra(env: NodeJS.ProcessEnv = process.env): Promise<TestInfra> {
  const stops: (() => Promise<void>)[] = [];
  let postgresUrl = env.TEST_POSTGRES_URL;
  if (!postgresUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(os.tmpdir(), `crm-test-pg-${process.pid}-${randomBytes(4).toString('hex')}`), persistent: false });
    postgresUrl = pg.url;
    stops.push(pg.stop);
  }
  let kafkaBrokers = env.KAFKA_BROKERS?.split(',').filter(Boolean);
  if (!kafkaBrokers?.length) {
    const broker = await startBroker({ port: 0, groupInitialRebalanceDelayMs: 0 });
    kafkaBrokers = [broker.address];
    stops.push(broker.stop);
  }
  return {
    postgresUrl,
    kafkaBrokers,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

/** A fresh database for one test suite, named `test_<label>_<random>`. */
export async function createTestDatabase(postgresUrl: string, label: string): Promise<string> {
  const url = withDatabase(postgresUrl, `test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`);
  assertTestDatabase(url);
  await ensureDatabase(url);
  return url;
}

/** What jest's global setup exported for the test workers. */
export function testInfraFromEnv(): { postgresUrl: string; kafkaBrokers: string[] } {
  const postgresUrl = process.env.CRM_TEST_POSTGRES_URL;
  const brokers = process.env.CRM_TEST_KAFKA_BROKERS;
  if (!postgresUrl || !brokers) throw new Error('Test infrastructure is not up: run the tests with jest (its globalSetup starts it).');
  return { postgresUrl, kafkaBrokers: brokers.split(',') };
}
