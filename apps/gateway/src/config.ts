import { IsInt, Matches, Min } from 'class-validator';
import { HttpServiceConfig, loadConfig } from '@crm/platform';
import { ServiceName } from './routing/route-table';

const HTTP_URL = /^https?:\/\/[^/\s]+(\/[^\s]*)?$/;
const HTTP_URL_MESSAGE = { message: 'must be an http(s) URL' };

/** Every setting of the gateway, read and checked once at boot from the environment. */
export class GatewayConfig extends HttpServiceConfig {
  override PORT: number = 3000;

  /** identity's JWKS, to verify access tokens at the edge. */
  @Matches(HTTP_URL, HTTP_URL_MESSAGE)
  JWKS_URL!: string;

  @Matches(HTTP_URL, HTTP_URL_MESSAGE)
  IDENTITY_URL!: string;

  @Matches(HTTP_URL, HTTP_URL_MESSAGE)
  MARKETING_URL!: string;

  @Matches(HTTP_URL, HTTP_URL_MESSAGE)
  SALES_URL!: string;

  @Matches(HTTP_URL, HTTP_URL_MESSAGE)
  AFTER_SALES_URL!: string;

  /** Login attempts per client IP per minute, against password guessing. */
  @IsInt() @Min(1)
  LOGIN_RATE_LIMIT_PER_MINUTE: number = 10;

  /** The body limit of upload routes (POST /api/v1/imports): marketing's IMPORT_MAX_BYTES plus the multipart envelope. */
  @IsInt() @Min(1024)
  UPLOAD_BODY_LIMIT_BYTES: number = 21 * 1024 * 1024;

  /** How long an upstream may take to answer (and between body chunks) before a 504. */
  @IsInt() @Min(100)
  UPSTREAM_TIMEOUT_MS: number = 30_000;
}

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(GatewayConfig, env);

/** Base URL of each service, without a trailing slash. */
export function upstreamsOf(config: GatewayConfig): Record<ServiceName, string> {
  const base = (url: string) => url.replace(/\/+$/, '');
  return {
    identity: base(config.IDENTITY_URL),
    marketing: base(config.MARKETING_URL),
    sales: base(config.SALES_URL),
    'after-sales': base(config.AFTER_SALES_URL),
  };
}
