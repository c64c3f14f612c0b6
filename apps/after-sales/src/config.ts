import { BusinessServiceConfig, loadConfig } from '@crm/platform';

/** Every setting of the after-sales service, read and checked once at boot from the environment. */
export class AfterSalesConfig extends BusinessServiceConfig {
  override PORT: number = 3004;
}

export const loadAfterSalesConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(AfterSalesConfig, env);
