import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, PROBLEM_CONTENT_TYPE, Problem, problemFromError, problemFromStatus } from '@crm/kernel';

/** Fastify's own request errors, by code, as our stable codes. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'REQUEST.MALFORMED_JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'REQUEST.EMPTY_BODY' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'REQUEST.TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'REQUEST.INVALID_CONTENT_LENGTH' },
};

/** Maps every error to RFC 9457 problem+json, once. Anything unexpected is a logged 500. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const problem = this.toProblem(err, req);
    if (problem.status >= 500) {
      this.logger.error(`${req.method} ${req.url} failed (request ${String(req.id)}, traceparent ${String(req.headers.traceparent ?? '-')})`, (err as Error)?.stack ?? String(err));
    }
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }

  private toProblem(err: unknown, req: FastifyRequest): Problem {
    const instance = req.url.split('?')[0];
    const requestId = String(req.id);
    if (err instanceof AppError) return problemFromError(err, instance, requestId);
    const fastifyCode = (err as { code?: string })?.code;
    if (fastifyCode && FASTIFY_ERRORS[fastifyCode]) {
      const { status, code } = FASTIFY_ERRORS[fastifyCode];
      return problemFromStatus(status, code, (err as Error).message, instance, requestId);
    }
    // Nest's Fastify JSON parser throws a bare SyntaxError carrying statusCode 400.
    if (err instanceof SyntaxError && (err as { statusCode?: number }).statusCode === 400) {
      return problemFromStatus(400, 'REQUEST.MALFORMED_JSON', `The body is not valid JSON: ${err.message}`, instance, requestId);
    }
    if (err instanceof HttpException) {
      // Nest re-throws Fastify's body errors as plain HttpExceptions carrying only the message.
      const status = err.getStatus();
      const body = err.getResponse();
      const detail = String(typeof body === 'string' ? body : ((body as { message?: string }).message ?? err.message));
      return problemFromStatus(status, httpExceptionCode(status, detail), detail, instance, requestId);
    }
    const status = (err as { statusCode?: number })?.statusCode;
    if (status && status >= 400 && status < 500) {
      return problemFromStatus(status, `HTTP.${status}`, (err as Error).message, instance, requestId);
    }
    return problemFromStatus(500, 'INTERNAL', 'An unexpected error occurred; it has been logged.', instance, requestId);
  }
}

function httpExceptionCode(status: number, detail: string): string {
  switch (status) {
    case 400:
      if (/not valid JSON/i.test(detail)) return 'REQUEST.MALFORMED_JSON';
      if (/cannot be empty/i.test(detail)) return 'REQUEST.EMPTY_BODY';
      return 'REQUEST.INVALID';
    case 401:
      return 'AUTH.UNAUTHENTICATED';
    case 403:
      return 'AUTH.FORBIDDEN';
    case 404:
      return 'ROUTE.NOT_FOUND';
    case 413:
      return 'REQUEST.TOO_LARGE';
    case 415:
      return 'REQUEST.UNSUPPORTED_MEDIA_TYPE';
    default:
      return `HTTP.${status}`;
  }
}
