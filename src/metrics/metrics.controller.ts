import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { NotFoundError } from '../common/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { AppMetrics } from './metrics.js';

function sameSecret(given: string, expected: string): boolean {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /metrics` in Prometheus' text format, for a scraper holding `METRICS_TOKEN` as a
 * Bearer token. Without the token configured, or with a wrong one, it is a page that does not
 * exist (404): the numbers say how busy each route is, which is nobody else's business.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: AppMetrics,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response) {
    const token = this.config.metrics.token;
    if (!token || !sameSecret(authorization ?? '', `Bearer ${token}`)) throw new NotFoundError();
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
