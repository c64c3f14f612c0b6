import { IsInt, IsNumber, IsOptional, IsPositive, IsString, Max, Min, MinLength } from 'class-validator';
import { DataServiceConfig, loadConfig } from '@crm/platform';

/** Every setting of the identity service, read and checked once at boot from the environment. */
export class IdentityConfig extends DataServiceConfig {
  override PORT: number = 3001;

  @IsInt() @Min(1)
  ACCESS_TOKEN_TTL_SECONDS: number = 900;

  @IsInt() @Min(60)
  REFRESH_TOKEN_TTL_SECONDS: number = 2_592_000;

  /** Consecutive wrong passwords that lock a user out. */
  @IsInt() @Min(1) @Max(1000)
  LOGIN_MAX_FAILURES: number = 5;

  /** How long a lockout lasts; fractions allowed (0.5 = 30 seconds). */
  @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() @Max(525_600)
  LOGIN_LOCK_MINUTES: number = 15;

  /** When set and there is no tenant yet, boot creates tenant `demo` with user `admin` and this password. */
  @IsOptional() @IsString() @MinLength(8)
  CRM_ADMIN_PASSWORD?: string;
}

export const loadIdentityConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(IdentityConfig, env);
