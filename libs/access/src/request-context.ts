import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { DEFAULT_ROLE_CODES } from '@crm/contracts';
import { forbidden } from '@crm/kernel';
import { Caller } from './token-verifier';

/** Who asked, and the trace the events of their change carry. */
export interface RequestContext {
  caller: Caller;
  traceparent?: string;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The verified caller plus the request's W3C trace context (when well-formed), for events. */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const req = ctx.switchToHttp().getRequest<{ user: Caller; headers: Record<string, string | undefined> }>();
  const traceparent = req.headers.traceparent;
  return { caller: req.user, traceparent: traceparent && TRACEPARENT.test(traceparent) ? traceparent : undefined };
});

/** For use-case code that decides itself (the `@RequireRoles` decorator does it per route). */
export function requireAdmin(caller: Caller, message: string): void {
  if (!caller.roleCodes.includes(DEFAULT_ROLE_CODES.admin)) throw forbidden('AUTH.FORBIDDEN', message);
}
