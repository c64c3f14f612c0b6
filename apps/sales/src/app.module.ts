import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthGuard, ORG_TOPICS, TOKEN_VERIFIER, orgProjectionHandlers, remoteTokenVerifier } from '@crm/access';
import { BROKER_HEALTH, BrokerHealth, MessagingModule } from '@crm/messaging';
import { ensureDatabase, typeormOptions } from '@crm/persistence';
import { HEALTH_CHECKS, HealthController } from '@crm/platform';
import { SalesConfig } from './config';
import { SALES_MIGRATIONS } from './migrations';

/** The sales context: customers, contacts, opportunities (coming next); today its org projection. */
@Module({})
export class SalesModule {
  static register(config: SalesConfig): DynamicModule {
    return {
      module: SalesModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await ensureDatabase(config.DATABASE_URL);
            return typeormOptions({ url: config.DATABASE_URL, entities: [], migrations: SALES_MIGRATIONS });
          },
        }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS.split(','),
          service: 'sales',
          databaseUrl: config.DATABASE_URL,
          consumers: [{ name: 'org-projection', topics: ORG_TOPICS, handlers: orgProjectionHandlers }],
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: TOKEN_VERIFIER, useValue: remoteTokenVerifier(config.JWKS_URL) },
        { provide: APP_GUARD, useClass: AuthGuard },
        {
          provide: HEALTH_CHECKS,
          useFactory: (ds: DataSource, broker: BrokerHealth) => ({ database: () => ds.query('SELECT 1'), broker }),
          inject: [DataSource, BROKER_HEALTH],
        },
      ],
    };
  }
}
