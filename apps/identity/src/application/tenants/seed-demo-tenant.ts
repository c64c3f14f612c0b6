import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { IdentityConfig } from '../../config';
import { ProvisionTenantHandler } from './provision-tenant.handler';

export const DEMO_TENANT = { code: 'demo', name: 'Demo' };

/** With CRM_ADMIN_PASSWORD set, a fresh installation gets tenant `demo` and its `admin` at boot. */
@Injectable()
export class SeedDemoTenant implements OnApplicationBootstrap {
  private readonly logger = new Logger('Seed');

  constructor(
    private readonly config: IdentityConfig,
    private readonly provision: ProvisionTenantHandler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.CRM_ADMIN_PASSWORD) return;
    const created = await this.provision.execute({ ...DEMO_TENANT, adminPassword: this.config.CRM_ADMIN_PASSWORD, onlyIfNoTenants: true });
    if (created) this.logger.log(`created tenant '${created.tenant.code}' with user '${created.admin.username}'`);
  }
}
