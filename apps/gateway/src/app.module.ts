import { DynamicModule, Module } from '@nestjs/common';
import { GatewayConfig, upstreamsOf } from './config';
import { DocumentsController } from './docs/documents.controller';
import { OpenApiCatalog } from './docs/openapi-catalog';
import { ServicesHealthController } from './health/services-health.controller';
import { UPSTREAMS } from './upstreams';

/**
 * The gateway's own operations (health, API documents). Forwarding, edge authentication and the
 * login rate limit run on the Fastify instance below Nest (see routing/proxy.ts), for speed.
 */
@Module({})
export class GatewayModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [ServicesHealthController, DocumentsController],
      providers: [{ provide: UPSTREAMS, useValue: upstreamsOf(config) }, OpenApiCatalog],
    };
  }
}
