import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, EntitySchema, MixedList } from 'typeorm';
import { BROKER_HEALTH, BrokerHealth, ConsumerOptions, MessagingModule } from '@crm/messaging';
import { ensureDatabase, typeormOptions } from '@crm/persistence';
import { HEALTH_CHECKS, HealthController } from '@crm/platform';
import { BusinessServiceName } from '@crm/contracts';
import { AuthGuard } from './auth.guard';
import { HandoverTransfer, handoverConsumer, nothingToTransfer } from './handover';
import { ORG_TOPICS, orgProjectionHandlers } from './org-projection';
import { TOKEN_VERIFIER, currentCallerVerifier, remoteTokenVerifier } from './token-verifier';

/** The settings every business service reads (its own config class holds them, validated). */
export interface BusinessServiceConfig {
  DATABASE_URL: string;
  KAFKA_BROKERS: string;
  KAFKA_GROUP_PREFIX?: string;
  JWKS_URL: string;
}

export interface BusinessServiceOptions {
  /** Kafka client id and consumer group prefix; also names the service's audit and handover topics. */
  service: BusinessServiceName;
  config: BusinessServiceConfig;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  /** The service's migrations, which must include ACCESS_MIGRATIONS (its consumer writes those tables). */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
  /** The service's own consumers, beside the org projection every one of them runs. */
  consumers?: Omit<ConsumerOptions, 'log'>[];
  /** How the service hands a leaving user's records over; none to transfer when omitted. */
  handover?: HandoverTransfer;
}

/**
 * The wiring marketing, sales and after-sales share, so it is written once: their own database
 * (created if missing, migrated at boot), Kafka with the org projection fed by identity's events,
 * a handover consumer that reports to identity, identity's bearer tokens required on every route not marked `@Public()`, and the health endpoints.
 * It lives here rather than in platform because it needs the guard and the projection.
 */
@Module({})
export class BusinessServiceModule {
  static forRoot(o: BusinessServiceOptions): DynamicModule {
    const { DATABASE_URL, KAFKA_BROKERS, JWKS_URL } = o.config;
    return {
      module: BusinessServiceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await ensureDatabase(DATABASE_URL);
            return typeormOptions({ url: DATABASE_URL, entities: o.entities, migrations: o.migrations });
          },
        }),
        MessagingModule.forRoot({
          brokers: KAFKA_BROKERS.split(','),
          service: o.service,
          groupPrefix: o.config.KAFKA_GROUP_PREFIX,
          databaseUrl: DATABASE_URL,
          consumers: [
            { name: 'org-projection', topics: ORG_TOPICS, handlers: orgProjectionHandlers },
            handoverConsumer(o.service, o.handover ?? nothingToTransfer),
            ...(o.consumers ?? []),
          ],
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: TOKEN_VERIFIER, useFactory: (ds: DataSource) => currentCallerVerifier(remoteTokenVerifier(JWKS_URL), ds), inject: [DataSource] },
        { provide: APP_GUARD, useClass: AuthGuard },
        {
          provide: HEALTH_CHECKS,
          useFactory: (ds: DataSource, broker: BrokerHealth) => ({ database: () => ds.query('SELECT 1'), broker }),
          inject: [DataSource, BROKER_HEALTH],
        },
      ],
      exports: [TOKEN_VERIFIER],
    };
  }
}
