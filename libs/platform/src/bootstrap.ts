import { randomUUID } from 'node:crypto';
import { ConsoleLogger, INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { registerMetrics } from './metrics';
import { ProblemFilter } from './problem.filter';
import { createValidationPipe } from './validation';
import { PROBLEM_SCHEMA } from './openapi';

export interface ServiceAppOptions {
  /** Service name: in logs, metrics and the OpenAPI title. */
  name: string;
  description: string;
  bodyLimitBytes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Serve the app's own document at `/openapi.json` (default true); the gateway serves a merged one instead. */
  serveOpenApi?: boolean;
}

const NEST_LEVELS: Record<ServiceAppOptions['logLevel'], LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
  silent: [],
};

/**
 * A NestJS service on Fastify with everything every service shares: JSON logs carrying the
 * request id (taken from `x-request-id` or made up, and echoed back), RFC 9457 errors, strict
 * validation, a body size limit, Prometheus metrics and its OpenAPI document at `/openapi.json`.
 */
export async function createServiceApp(module: Parameters<typeof NestFactory.create>[0], o: ServiceAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: o.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    logger: o.logLevel === 'silent' ? false : { level: o.logLevel, base: { service: o.name } },
    disableRequestLogging: o.logLevel !== 'debug',
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: o.logLevel === 'silent' ? false : new ConsoleLogger({ json: true, logLevels: NEST_LEVELS[o.logLevel], prefix: o.name }),
    bufferLogs: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  registerMetrics(fastify, o.name);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  if (o.serveOpenApi !== false) {
    const document = buildOpenApi(app, o);
    fastify.get('/openapi.json', async () => document);
  }
  return app;
}

/** The app's own OpenAPI document, from its controllers' decorators. */
export function buildOpenApi(app: INestApplication, o: ServiceAppOptions): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(`CRM ${o.name} service`)
    .setDescription(o.description)
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA } };
  return document;
}

/** Creates a service from its config and starts listening on `HOST:PORT`. */
export async function startService(
  module: Parameters<typeof NestFactory.create>[0],
  config: { PORT: number; HOST: string; BODY_LIMIT_BYTES: number; LOG_LEVEL: ServiceAppOptions['logLevel'] },
  meta: { name: string; description: string },
  /** Service-specific Fastify plugins (e.g. multipart uploads), registered before it listens. */
  setup?: (app: NestFastifyApplication) => Promise<void>,
): Promise<NestFastifyApplication> {
  const app = await createServiceApp(module, { ...meta, bodyLimitBytes: config.BODY_LIMIT_BYTES, logLevel: config.LOG_LEVEL });
  if (setup) await setup(app);
  await app.listen(config.PORT, config.HOST);
  return app;
}
