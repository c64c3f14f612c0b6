import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { DEFAULT_ROLE_CODES } from '@crm/contracts';
import { forbidden } from '@crm/kernel';
import { Caller } from './token-verifier';

/** Who asked, from where, and the trace the events of their change carry. */
export interface RequestContext {
  caller: Caller;
  traceparent?: string;
  /** The request's `x-request-id` (made up by the service when the client sent none). */
  requestId?: string;
  /** The client address: see `clientIp`. */
  ip?: string | null;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const MAX_IP = 64;

interface HttpRequest {
  id?: string;
  ip?: string;
  user: Caller;
  headers: Record<string, string | string[] | undefined>;
}

const header = (req: HttpRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * The LAST `x-forwarded-for` address — the one our gateway appended for the peer it saw; earlier
 * entries are whatever the client claimed and could be forged — else the socket's. `::ffff:10.0.0.1`
 * (an IPv4 peer on a dual-stack socket) reads as `10.0.0.1`.
 */
export function clientIp(req: Pick<HttpRequest, 'ip' | 'headers'>): string | null {
  const forwarded = header(req as HttpRequest, 'x-forwarded-for')?.split(',').pop()?.trim();
  const ip = forwarded || req.ip;
  return ip ? ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1').slice(0, MAX_IP) : null;
}

/** The verified caller plus the request's id, client address and W3C trace context (when well-formed). */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const req = ctx.switchToHttp().getRequest<HttpRequest>();
  const traceparent = header(req, 'traceparent');
  return {
    caller: req.user,
    traceparent: traceparent && TRACEPARENT.test(traceparent) ? traceparent : undefined,
    requestId: req.id,
    ip: clientIp(req),
  };
});

/** For use-case code that decides itself (the `@RequireRoles` decorator does it per route). */
export function requireAdmin(caller: Caller, message: string): void {
  if (!caller.roleCodes.includes(DEFAULT_ROLE_CODES.admin)) throw forbidden('AUTH.FORBIDDEN', message);
}
