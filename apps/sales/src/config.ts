import { BusinessServiceConfig, loadConfig } from '@crm/platform';

/** Every setting of the sales service, read and checked once at boot from the environment. */
export class SalesConfig extends BusinessServiceConfig {
  override PORT: number = 3003;
}

export const loadSalesConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(SalesConfig, env);
