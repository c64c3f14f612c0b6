import { BusinessServiceConfig, loadConfig } from '@crm/platform';

/** Every setting of the marketing service, read and checked once at boot from the environment. */
export class MarketingConfig extends BusinessServiceConfig {
  override PORT: number = 3002;
}

export const loadMarketingConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(MarketingConfig, env);
