import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { LoginClient } from '../application/auth/auth.handlers';

const MAX_IP = 64;
const MAX_USER_AGENT = 512;

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) reads as `10.0.0.1`. */
const plainIp = (ip: string) => ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1').slice(0, MAX_IP);

/**
 * Where a sign-in comes from: the LAST `x-forwarded-for` address — the one our gateway appended
 * for the peer it saw; earlier entries are whatever the client claimed and could be forged — or
 * else the socket's; the user agent; and the client type from `x-client-type` (`app`, else `web`).
 */
export const SignInClient = createParamDecorator((_: unknown, ctx: ExecutionContext): LoginClient => {
  const req = ctx.switchToHttp().getRequest<{ ip?: string; headers: Record<string, string | string[] | undefined> }>();
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const forwarded = header('x-forwarded-for')?.split(',').pop()?.trim();
  const ip = forwarded || req.ip;
  return {
    ip: ip ? plainIp(ip) : null,
    userAgent: header('user-agent')?.slice(0, MAX_USER_AGENT) || null,
    clientType: header('x-client-type')?.trim().toLowerCase() === 'app' ? 'app' : 'web',
  };
});
