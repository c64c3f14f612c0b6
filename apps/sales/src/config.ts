import { IsInt, Max, Min } from 'class-validator';
import { BusinessServiceConfig, loadConfig } from '@crm/platform';

/** Every setting of the sales service, read and checked once at boot from the environment. */
export class SalesConfig extends BusinessServiceConfig {
  override PORT: number = 3003;

  /** Days a deleted customer, contact or follow-up stays in the recycle bin before it is purged. */
  @IsInt() @Min(1) @Max(3650)
  RECYCLE_BIN_RETENTION_DAYS: number = 30;

  /** How often the purge runs. */
  @IsInt() @Min(1) @Max(86_400)
  RECYCLE_BIN_PURGE_INTERVAL_SECONDS: number = 3600;
}

export const loadSalesConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(SalesConfig, env);
