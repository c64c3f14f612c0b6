import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { createLocalJWKSet } from 'jose';
import { AuthGuard, TOKEN_VERIFIER, createTokenVerifier } from '@crm/access';
import { BROKER_HEALTH, BrokerHealth, MessagingModule } from '@crm/messaging';
import { ensureDatabase, typeormOptions } from '@crm/persistence';
import { HEALTH_CHECKS, HealthController } from '@crm/platform';
import { AuditLogsController } from './api/audit-logs.controller';
import { AuthController, JwksController } from './api/auth.controller';
import { HandoversController } from './api/handovers.controller';
import { NotificationsController } from './api/notifications.controller';
import { DepartmentsController } from './api/departments.controller';
import { LoginLogsController } from './api/login-logs.controller';
import { RolesController } from './api/roles.controller';
import { MeController, UsersController } from './api/users.controller';
import { auditLogConsumer } from './application/audit-logs/audit-log.consumer';
import { AuditLogQueries } from './application/audit-logs/audit-log-queries';
import { notificationConsumer } from './application/notifications/notification.consumer';
import { NotificationInbox } from './application/notifications/notification-inbox';
import { handoverProgressConsumer } from './application/handovers/handover-progress.consumer';
import { StartHandoverHandler } from './application/handovers/start-handover.handler';
import { LoginHandler, LogoutHandler, RefreshHandler } from './application/auth/auth.handlers';
import { TokenIssuer } from './application/auth/token-issuer';
import { CreateDepartmentHandler } from './application/departments/create-department.handler';
import { DeleteDepartmentHandler } from './application/departments/delete-department.handler';
import { DepartmentQueries } from './application/departments/department-queries';
import { UpdateDepartmentHandler } from './application/departments/update-department.handler';
import { LoginLogQueries } from './application/login-logs/login-log-queries';
import { RoleDataRulesService } from './application/roles/role-data-rules.service';
import { RolesService } from './application/roles/roles.service';
import { ProvisionTenantHandler } from './application/tenants/provision-tenant.handler';
import { SeedDemoTenant } from './application/tenants/seed-demo-tenant';
import { CreateUserHandler } from './application/users/create-user.handler';
import { UnlockUserHandler } from './application/users/unlock-user.handler';
import { UpdateUserHandler } from './application/users/update-user.handler';
import { UserQueries } from './application/users/user-queries';
import { IdentityConfig } from './config';
import { IDENTITY_ENTITIES } from './infrastructure/entities';
import { SigningKeyStore } from './infrastructure/signing-key.store';
import { IDENTITY_MIGRATIONS } from './migrations';

/**
 * Tenants, users, departments, roles with their data rules, sign-in and its log; the one issuer of
 * access tokens; the store of every service's operation log; handover jobs.
 */
@Module({})
export class IdentityModule {
  static register(config: IdentityConfig): DynamicModule {
    return {
      module: IdentityModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await ensureDatabase(config.DATABASE_URL);
            return typeormOptions({ url: config.DATABASE_URL, entities: IDENTITY_ENTITIES, migrations: IDENTITY_MIGRATIONS });
          },
        }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS.split(','),
          service: 'identity',
          groupPrefix: config.KAFKA_GROUP_PREFIX,
          databaseUrl: config.DATABASE_URL,
          consumers: [auditLogConsumer, handoverProgressConsumer, notificationConsumer],
        }),
      ],
      controllers: [HealthController, AuthController, JwksController, MeController, UsersController, DepartmentsController, RolesController, LoginLogsController, AuditLogsController, HandoversController, NotificationsController],
      providers: [
        { provide: IdentityConfig, useValue: config },
        { provide: SigningKeyStore, useFactory: (ds: DataSource) => SigningKeyStore.open(ds), inject: [DataSource] },
        // Identity verifies its own tokens with its own key set: no HTTP round trip to itself.
        { provide: TOKEN_VERIFIER, useFactory: (keys: SigningKeyStore) => createTokenVerifier(createLocalJWKSet(keys.jwks())), inject: [SigningKeyStore] },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: ProvisionTenantHandler, useFactory: (ds: DataSource) => new ProvisionTenantHandler(ds), inject: [DataSource] },
        SeedDemoTenant,
        TokenIssuer,
        LoginHandler,
        RefreshHandler,
        LogoutHandler,
        RolesService,
        RoleDataRulesService,
        LoginLogQueries,
        AuditLogQueries,
        StartHandoverHandler,
        NotificationInbox,
        DepartmentQueries,
        CreateDepartmentHandler,
        UpdateDepartmentHandler,
        DeleteDepartmentHandler,
        UserQueries,
        CreateUserHandler,
        UpdateUserHandler,
        UnlockUserHandler,
        {
          provide: HEALTH_CHECKS,
          useFactory: (ds: DataSource, broker: BrokerHealth) => ({ database: () => ds.query('SELECT 1'), broker }),
          inject: [DataSource, BROKER_HEALTH],
        },
      ],
    };
  }
}
