import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Settings every HTTP service has; each app's config class extends one of these and sets its PORT. */
export class HttpServiceConfig {
  @IsInt() @Min(0) @Max(65535)
  PORT!: number;

  @IsString()
  HOST: string = '0.0.0.0';

  @IsInt() @Min(1024)
  BODY_LIMIT_BYTES: number = 1024 * 1024;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevelName = 'info';
}

/** A service with its own database and the broker. */
export class DataServiceConfig extends HttpServiceConfig {
  @Matches(/^postgres(ql)?:\/\/.+\/.+/, { message: 'must be a postgres:// URL with a database name' })
  DATABASE_URL!: string;

  @IsNotEmpty() @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string;

  /** Consumer groups are `<prefix>.<service>.<consumer>` (no prefix by default): another deployment on the same brokers needs its own. */
  @IsOptional() @Matches(/^[A-Za-z0-9._-]{1,100}$/, { message: 'letters, digits, dot, dash or underscore' })
  KAFKA_GROUP_PREFIX?: string;
}

/** A business context: its database, the broker, and identity's JWKS to verify access tokens. */
export class BusinessServiceConfig extends DataServiceConfig {
  @Matches(/^https?:\/\/.+/, { message: 'must be an http(s) URL' })
  JWKS_URL!: string;
}

/**
 * The entry point of a service's main.ts: read the config (exit 1 naming every bad variable), then
 * start; a failed start exits 1 too.
 */
export function runService<C>(name: string, load: () => C, start: (config: C) => Promise<unknown>): void {
  let config: C;
  try {
    config = load();
  } catch (err) {
    console.error(`${name}: ${(err as Error).message}`);
    process.exit(1);
  }
  start(config).catch((err) => {
    console.error(`${name} failed to start`, err);
    process.exit(1);
  });
}
