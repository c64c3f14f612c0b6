import { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Transform, pipeline } from 'node:stream';
import rateLimit from '@fastify/rate-limit';
import replyFrom, { FastifyReplyFromHooks } from '@fastify/reply-from';
import { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError, PROBLEM_CONTENT_TYPE, Problem, problemFromError, problemFromStatus, unauthenticated } from '@crm/kernel';
import { TokenVerifier } from '@crm/access';
import { LOGIN_ROUTE, PUBLIC_ROUTES, ROUTE_TABLE, SERVICES, SUB_RESOURCES, ServiceName, isUploadRoute, ownerOf } from './route-table';
import { nextTraceparent } from './trace-context';
import { cachingVerifier } from './verified-tokens';

export interface ProxyOptions {
  upstreams: Record<ServiceName, string>;
  verify: TokenVerifier;
  bodyLimitBytes: number;
  /** The body limit of UPLOAD_ROUTES (spreadsheet imports); bodyLimitBytes when absent. */
  uploadLimitBytes?: number;
  timeoutMs: number;
  loginAttemptsPerMinute: number;
}

const METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'];
const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;
/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, never forwarded. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade'];
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TIMED_OUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT']);

const tooLarge = (limit: number) => new AppError('payload-too-large', 'REQUEST.TOO_LARGE', `The request body exceeds ${limit} bytes.`);

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  // The rest of an oversize body is never read: the connection cannot carry another request.
  if (problem.status === 413) void reply.header('connection', 'close');
  return reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}

function toProblem(err: unknown, req: FastifyRequest): Problem {
  const instance = req.url.split('?')[0];
  if (err instanceof AppError) return problemFromError(err, instance, req.id);
  const status = (err as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) return problemFromStatus(status, `HTTP.${status}`, (err as Error).message, instance, req.id);
  req.log.error({ err }, 'gateway request failed');
  return problemFromStatus(500, 'INTERNAL', 'An unexpected error occurred; it has been logged.', instance, req.id);
}

/** Why the upstream call failed, as the problem the caller gets; the service is named, its address is not. */
function upstreamProblem(error: Error & { code?: string; cause?: unknown }, req: FastifyRequest, service: ServiceName): Problem {
  const cause = error.cause as (Error & { code?: string }) | undefined;
  if (cause instanceof AppError) return problemFromError(cause, req.url.split('?')[0], req.id);
  const code = cause?.code ?? error.code ?? '';
  const instance = req.url.split('?')[0];
  if (TIMED_OUT.has(code) || TIMED_OUT.has(error.code ?? '')) {
    return problemFromStatus(504, 'GATEWAY.TIMEOUT', `The ${service} service did not answer in time.`, instance, req.id);
  }
  if (UNREACHABLE.has(code)) {
    return problemFromStatus(503, 'GATEWAY.SERVICE_UNAVAILABLE', `The ${service} service is unavailable; try again shortly.`, instance, req.id);
  }
  req.log.warn({ err: error, service }, 'upstream call failed');
  return problemFromStatus(502, 'GATEWAY.BAD_GATEWAY', `The ${service} service gave no usable answer.`, instance, req.id);
}

/** Request headers for the upstream: correlation and trace ids, and who the client is. */
function forwardHeaders(req: FastifyRequest, headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const prior = req.headers['x-forwarded-for'];
  return {
    ...headers,
    'x-request-id': req.id,
    'x-forwarded-for': prior ? `${String(prior)}, ${req.ip}` : req.ip,
    'x-forwarded-proto': req.protocol,
    'x-forwarded-host': req.headers.host,
    traceparent: nextTraceparent(req.headers.traceparent),
  };
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out = { ...headers };
  for (const h of HOP_BY_HOP) delete out[h];
  return out;
}

/**
 * Counts a chunked body as it streams through; past the limit the upstream call is aborted and
 * the client gets a 413. Bodies with a Content-Length are checked before anything is sent.
 */
function limitStream(payload: IncomingMessage, limit: number): NodeJS.ReadableStream {
  if (payload.headers['content-length'] !== undefined) return payload;
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > limit ? tooLarge(limit) : null, chunk);
    },
  });
  pipeline(payload, counter, () => undefined);
  return counter;
}

/**
 * Forwards every path of the route table to its service with @fastify/reply-from (undici, keep-alive
 * pools): bodies stream through unparsed, so a malformed JSON body is the service's 400 to give.
 * Runs in its own encapsulated scope so the gateway's own routes keep Nest's parsers and filters.
 */
export async function registerProxy(fastify: FastifyInstance, o: ProxyOptions): Promise<void> {
  await fastify.register(async (scope) => {
    await scope.register(replyFrom, {
      disableRequestLogging: true,
      undici: { connections: 256, pipelining: 1, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs, connect: { timeout: Math.min(5000, o.timeoutMs) } },
    });
    await scope.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_req, ctx) => new AppError('rate-limited', 'AUTH.LOGIN_RATE_LIMITED', `Too many login attempts; retry in ${ctx.after}.`),
    });

    scope.setErrorHandler((err, req, reply) => sendProblem(reply, toProblem(err, req)));
    scope.removeAllContentTypeParsers();
    const limitOf = (req: FastifyRequest) => (isUploadRoute(req.method, req.url) ? (o.uploadLimitBytes ?? o.bodyLimitBytes) : o.bodyLimitBytes);
    scope.addContentTypeParser('*', (req, payload, done) => done(null, limitStream(payload, limitOf(req))));
    scope.addHook('onRequest', async (req) => {
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > limitOf(req)) throw tooLarge(limitOf(req));
    });

    const verify = cachingVerifier(o.verify, { maxEntries: 10_000, maxAgeMs: 60_000 });
    const authenticate: onRequestAsyncHookHandler = async (req) => {
      const match = BEARER.exec(req.headers.authorization ?? '');
      if (!match) throw unauthenticated('AUTH.TOKEN_MISSING', 'An access token is required (Authorization: Bearer <token>).');
      await verify(match[1]);
    };

    const forwardTo = (service: ServiceName) => {
      const upstream = o.upstreams[service];
      const options: FastifyReplyFromHooks = {
        getUpstream: () => upstream,
        // reply-from's types cover HTTP/2 servers too; the gateway is HTTP/1.1.
        rewriteRequestHeaders: (req, headers) => forwardHeaders(req as FastifyRequest, headers as IncomingHttpHeaders),
        rewriteHeaders: withoutHopByHop,
        // Never replay a request on the caller's behalf: a retried POST could act twice.
        retryDelay: () => null,
        onError: (reply, { error }) => void sendProblem(reply as FastifyReply, upstreamProblem(error, reply.request as FastifyRequest, service)),
      };
      return async (_req: FastifyRequest, reply: FastifyReply) => reply.from(undefined, options);
    };

    for (const route of PUBLIC_ROUTES) {
      const service = ownerOf(route.path)!;
      const rateLimited = route.method === LOGIN_ROUTE.method && route.path === LOGIN_ROUTE.path;
      scope.route({
        method: route.method,
        url: route.path,
        config: rateLimited ? { rateLimit: { max: o.loginAttemptsPerMinute, timeWindow: 60_000 } } : {},
        handler: forwardTo(service),
        exposeHeadRoute: false,
      });
    }
    for (const service of SERVICES) {
      const handler = forwardTo(service);
      for (const prefix of ROUTE_TABLE[service]) {
        for (const url of [prefix, `${prefix}/*`]) {
          // A public path's other methods (e.g. DELETE /.well-known/jwks.json) still need a token.
          const method = METHODS.filter((m) => !PUBLIC_ROUTES.some((r) => r.method === m && r.path === url));
          scope.route({ method, url, onRequest: authenticate, handler, exposeHeadRoute: false });
        }
      }
    }
    // Parametric routes win over another service's wildcard (`/api/v1/customers/*`) in fastify's router.
    for (const { service, pattern } of SUB_RESOURCES) {
      const url = pattern.replace(/\{([^/{}]+)\}/g, ':$1');
      for (const u of [url, `${url}/*`]) scope.route({ method: [...METHODS], url: u, onRequest: authenticate, handler: forwardTo(service), exposeHeadRoute: false });
    }
  });
}
