import { IsInt, Max, Min } from 'class-validator';
import { BusinessServiceConfig, loadConfig } from '@crm/platform';

/** Every setting of the marketing service, read and checked once at boot from the environment. */
export class MarketingConfig extends BusinessServiceConfig {
  override PORT: number = 3002;

  /** Largest spreadsheet `POST /api/v1/imports` accepts (bigger: 413); the file is kept in the database until processed. */
  @IsInt() @Min(1024) @Max(200 * 1024 * 1024)
  IMPORT_MAX_BYTES: number = 20 * 1024 * 1024;

  /** Rows per import transaction (one block of codes, one INSERT of leads, one of events, one of audit entries). */
  @IsInt() @Min(1) @Max(20_000)
  IMPORT_BATCH_SIZE: number = 2000;

  /** How often an idle import worker looks for queued jobs (an upload to this replica wakes it at once). */
  @IsInt() @Min(50)
  IMPORT_POLL_INTERVAL_MS: number = 1000;

  /** How often the customer pools' rules engine runs (reminders and returns to the pool after N idle days). */
  @IsInt() @Min(1) @Max(86_400)
  POOL_RULES_INTERVAL_SECONDS: number = 300;
}

export const loadMarketingConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(MarketingConfig, env);
