import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { Caller } from '@crm/access';
import { RequestContext } from '../application/request-context';

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The verified caller plus the request's W3C trace context (when well-formed), for events. */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const req = ctx.switchToHttp().getRequest<{ user: Caller; headers: Record<string, string | undefined> }>();
  const traceparent = req.headers.traceparent;
  return { caller: req.user, traceparent: traceparent && TRACEPARENT.test(traceparent) ? traceparent : undefined };
});
