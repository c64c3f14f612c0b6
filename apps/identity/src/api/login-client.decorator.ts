import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { clientIp } from '@crm/access';
import { LoginClient } from '../application/auth/auth.handlers';

const MAX_USER_AGENT = 512;

/**
 * Where a sign-in comes from: the client address (`clientIp`: the gateway's `x-forwarded-for` hop),
 * the user agent, and the client type from `x-client-type` (`app`, else `web`).
 */
export const SignInClient = createParamDecorator((_: unknown, ctx: ExecutionContext): LoginClient => {
  const req = ctx.switchToHttp().getRequest<{ ip?: string; headers: Record<string, string | string[] | undefined> }>();
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    ip: clientIp(req),
    userAgent: header('user-agent')?.slice(0, MAX_USER_AGENT) || null,
    clientType: header('x-client-type')?.trim().toLowerCase() === 'app' ? 'app' : 'web',
  };
});
