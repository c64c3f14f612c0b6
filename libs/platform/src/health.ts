import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Public } from './public.decorator';

export type HealthCheck = () => Promise<void>;
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

/** `/health/live`: the process answers. `/health/ready`: every dependency (DB, broker) answers too. */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: Record<string, HealthCheck>) {}

  @Public()
  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'up' };
  }

  @Public()
  @Get('ready')
  async ready(@Res() reply: FastifyReply) {
    const results: Record<string, { status: 'up' | 'down'; error?: string }> = {};
    await Promise.all(
      Object.entries(this.checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          results[name] = { status: 'up' };
        } catch (err) {
          results[name] = { status: 'down', error: (err as Error).message };
        }
      }),
    );
    const up = Object.values(results).every((r) => r.status === 'up');
    void reply.status(up ? 200 : 503).send({ status: up ? 'up' : 'down', checks: results });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}
