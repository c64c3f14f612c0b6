import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';
import { loadConfig } from '@crm/platform';

/** Every setting of the marketing service, read and checked once at boot from the environment. */
export class MarketingConfig {
  @IsInt() @Min(0) @Max(65535)
  PORT: number = 3002;

  @IsString()
  HOST: string = '0.0.0.0';

  @Matches(/^postgres(ql)?:\/\/.+\/.+/, { message: 'must be a postgres:// URL with a database name' })
  DATABASE_URL!: string;

  @IsNotEmpty() @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string;

  /** identity's JWKS, to verify access tokens. */
  @Matches(/^https?:\/\/.+/, { message: 'must be an http(s) URL' })
  JWKS_URL!: string;

  @IsInt() @Min(1024)
  BODY_LIMIT_BYTES: number = 1024 * 1024;

  @IsIn(['debug', 'info', 'warn', 'error', 'silent'])
  LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'info';
}

export const loadMarketingConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(MarketingConfig, env);
