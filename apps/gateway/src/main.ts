import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { remoteTokenVerifier } from '@crm/access';
import { ServiceAppOptions, buildOpenApi, createServiceApp, runService } from '@crm/platform';
import { GatewayConfig, loadGatewayConfig, upstreamsOf } from './config';
import { GatewayModule } from './app.module';
import { OpenApiCatalog } from './docs/openapi-catalog';
import { OpenApiDocument } from './docs/openapi-merge';
import { registerSwaggerUi } from './docs/swagger-ui';
import { registerProxy } from './routing/proxy';

export async function startGateway(config: GatewayConfig): Promise<NestFastifyApplication> {
  const options: ServiceAppOptions = {
    name: 'gateway',
    description: 'The one public origin: routing to the services, authentication at the edge, rate limits, one OpenAPI document.',
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    logLevel: config.LOG_LEVEL,
    serveOpenApi: false,
  };
  const app = await createServiceApp(GatewayModule.register(config), options);
  app.get(OpenApiCatalog).setGatewayDocument(buildOpenApi(app, options) as unknown as OpenApiDocument);
  const fastify = app.getHttpAdapter().getInstance();
  await registerProxy(fastify, {
    upstreams: upstreamsOf(config),
    verify: remoteTokenVerifier(config.JWKS_URL),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    uploadLimitBytes: config.UPLOAD_BODY_LIMIT_BYTES,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    loginAttemptsPerMinute: config.LOGIN_RATE_LIMIT_PER_MINUTE,
  });
  await registerSwaggerUi(fastify);
  await app.listen(config.PORT, config.HOST);
  return app;
}

if (require.main === module) runService('gateway', () => loadGatewayConfig(), startGateway);
