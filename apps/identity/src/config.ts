import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { loadConfig } from '@crm/platform';

/** Every setting of the identity service, read and checked once at boot from the environment. */
export class IdentityConfig {
  @IsInt() @Min(0) @Max(65535)
  PORT: number = 3001;

  @IsString()
  HOST: string = '0.0.0.0';

  @Matches(/^postgres(ql)?:\/\/.+\/.+/, { message: 'must be a postgres:// URL with a database name' })
  DATABASE_URL!: string;

  @IsNotEmpty() @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string;

  @IsInt() @Min(1024)
  BODY_LIMIT_BYTES: number = 1024 * 1024;

  @IsIn(['debug', 'info', 'warn', 'error', 'silent'])
  LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'info';

  @IsInt() @Min(1)
  ACCESS_TOKEN_TTL_SECONDS: number = 900;

  @IsInt() @Min(60)
  REFRESH_TOKEN_TTL_SECONDS: number = 2_592_000;

  /** When set and there is no tenant yet, boot creates tenant `demo` with user `admin` and this password. */
  @IsOptional() @IsString() @MinLength(8)
  CRM_ADMIN_PASSWORD?: string;
}

export const loadIdentityConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(IdentityConfig, env);
