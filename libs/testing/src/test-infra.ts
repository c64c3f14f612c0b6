import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { startBroker } from '@crm/kafka-broker';
import { ensureDatabase, withDatabase, assertTestDatabase } from '@crm/persistence';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface TestInfra {
  /** Server URL (postgres database): make per-suite databases with `createTestDatabase`. */
  postgresUrl: string;
  kafkaBrokers: string[];
  /** True when the broker is the embedded one: a test may then start a private one just as well. */
  kafkaEmbedded: boolean;
  stop(): Promise<void>;
}

export type InfraSource = 'environment' | 'docker' | 'embedded';

/**
 * Where each server comes from, in order of preference: the environment (`TEST_POSTGRES_URL`,
 * `KAFKA_BROKERS`), containers when a Docker engine answers (`CRM_TEST_DOCKER=off` to skip it),
 * else the embedded PostgreSQL and the embedded broker.
 */
export function chooseInfra(env: NodeJS.ProcessEnv, dockerAnswers: () => boolean): { postgres: InfraSource; kafka: InfraSource } {
  let docker: boolean | undefined;
  const fallback = (): InfraSource => ((docker ??= env.CRM_TEST_DOCKER !== 'off' && dockerAnswers()) ? 'docker' : 'embedded');
  return {
    postgres: env.TEST_POSTGRES_URL ? 'environment' : fallback(),
    kafka: env.KAFKA_BROKERS?.split(',').filter(Boolean).length ? 'environment' : fallback(),
  };
}

/** True when a Docker engine answers (the client alone is not enough). */
export function dockerEngineAnswers(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** PostgreSQL and Kafka for tests, from wherever `chooseInfra` says. */
export async function startTestInfra(env: NodeJS.ProcessEnv = process.env): Promise<TestInfra> {
  const stops: (() => Promise<unknown>)[] = [];
  const source = chooseInfra(env, dockerEngineAnswers);
  let postgresUrl: string;
  if (source.postgres === 'environment') postgresUrl = env.TEST_POSTGRES_URL!;
  else if (source.postgres === 'docker') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PostgreSqlContainer } = require('@testcontainers/postgresql') as typeof import('@testcontainers/postgresql');
    const pg = await new PostgreSqlContainer('postgres:16-alpine').start();
    postgresUrl = withDatabase(pg.getConnectionUri(), 'postgres');
    stops.push(() => pg.stop());
  } else {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(os.tmpdir(), `crm-test-pg-${process.pid}-${randomBytes(4).toString('hex')}`), persistent: false });
    postgresUrl = pg.url;
    stops.push(pg.stop);
  }
  let kafkaBrokers: string[];
  if (source.kafka === 'environment') kafkaBrokers = env.KAFKA_BROKERS!.split(',').filter(Boolean);
  else if (source.kafka === 'docker') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { KafkaContainer } = require('@testcontainers/kafka') as typeof import('@testcontainers/kafka');
    const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
    kafkaBrokers = [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`];
    stops.push(() => kafka.stop());
  } else {
    const broker = await startBroker({ port: 0, groupInitialRebalanceDelayMs: 0 });
    kafkaBrokers = [broker.address];
    stops.push(broker.stop);
  }
  return {
    postgresUrl,
    kafkaBrokers,
    kafkaEmbedded: source.kafka === 'embedded',
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
export function testInfraFromEnv(): { postgresUrl: string; kafkaBrokers: string[]; kafkaEmbedded: boolean } {
  const postgresUrl = process.env.CRM_TEST_POSTGRES_URL;
  const brokers = process.env.CRM_TEST_KAFKA_BROKERS;
  if (!postgresUrl || !brokers) throw new Error('Test infrastructure is not up: run the tests with jest (its globalSetup starts it).');
  return { postgresUrl, kafkaBrokers: brokers.split(','), kafkaEmbedded: process.env.CRM_TEST_KAFKA_EMBEDDED === '1' };
}
