import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Public } from '@crm/platform';
import { SERVICES, ServiceName } from '../routing/route-table';
import { UPSTREAMS, Upstreams, fetchJson } from '../upstreams';

/** A service's readiness check (`/health/ready`) answers within 2 s; a little more for the network. */
const READY_TIMEOUT_MS = 2500;

export interface ServiceHealth {
  status: 'up' | 'down';
  url: string;
  checks: Record<string, unknown>;
  error?: string;
}

const HEALTH_SCHEMA = {
  type: 'object',
  required: ['status', 'services'],
  properties: {
    status: { type: 'string', enum: ['up', 'degraded', 'down'] },
    services: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['status', 'url', 'checks'],
        properties: {
          status: { type: 'string', enum: ['up', 'down'] },
          url: { type: 'string' },
          checks: { type: 'object', additionalProperties: true },
          error: { type: 'string' },
        },
      },
    },
  },
};

/** `/health`: every service's readiness at once; `/health/live`: the gateway process itself. */
@ApiTags('gateway')
@Controller('health')
export class ServicesHealthController {
  constructor(@Inject(UPSTREAMS) private readonly upstreams: Upstreams) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Health of every service', description: '`up` when all are ready, `degraded` when some are, `down` when none is.' })
  @ApiOkResponse({ description: 'Every service is ready.', schema: HEALTH_SCHEMA })
  @ApiServiceUnavailableResponse({ description: 'At least one service is not ready.', schema: HEALTH_SCHEMA })
  async health(@Res() reply: FastifyReply) {
    const entries = await Promise.all(SERVICES.map(async (s) => [s, await this.probe(s)] as const));
    const services = Object.fromEntries(entries) as Record<ServiceName, ServiceHealth>;
    const up = entries.filter(([, h]) => h.status === 'up').length;
    const status = up === entries.length ? 'up' : up === 0 ? 'down' : 'degraded';
    // The gateway answering this request is the fifth service, and it is up.
    void reply.status(status === 'up' ? 200 : 503).send({ status, services: { gateway: { status: 'up', url: 'self', checks: {} }, ...services } });
  }

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'The gateway process answers' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['up'] } } } })
  live() {
    return { status: 'up' };
  }

  /** The gateway depends on no database or broker: ready as soon as it answers (upstream outages are per route). */
  @Public()
  @Get('ready')
  @ApiOperation({ summary: 'The gateway is ready to route requests' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['up'] }, checks: { type: 'object' } } } })
  ready() {
    return { status: 'up', checks: {} };
  }

  private async probe(service: ServiceName): Promise<ServiceHealth> {
    const url = this.upstreams[service];
    try {
      const { status, body } = await fetchJson(`${url}/health/ready`, READY_TIMEOUT_MS);
      const b = (body ?? {}) as { status?: string; checks?: Record<string, unknown> };
      return { status: status === 200 && b.status === 'up' ? 'up' : 'down', url, checks: b.checks ?? {} };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      return { status: 'down', url, checks: {}, error: e.name === 'TimeoutError' ? `no answer in ${READY_TIMEOUT_MS} ms` : (e.cause?.code ?? e.message) };
    }
  }
}
