import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { CacheService } from '../cache/cache.service.js';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
import { ObjectStorage } from '../storage/object-storage.js';

const TIMEOUT_MS = 2000;

/** `/health`: the process is up. `/ready`: it can serve, every dependency answers (503 names what is down). */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    // Raw runtime DataSource: readiness pings the database itself, through pgBouncer, not a tenant.
    @Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource,
    private readonly cache: CacheService,
    private readonly storage: ObjectStorage,
  ) {}

  @Get('health')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.db.query('select 1');
          })
          .withTimeout(TIMEOUT_MS),
      () =>
        this.indicators
          .check('cache')
          .attempt(async () => {
            await this.cache.ping();
            return { backend: this.cache.backend };
          })
          .withTimeout(TIMEOUT_MS),
      () =>
        this.indicators
          .check('storage')
          .attempt(async () => {
            await this.storage.check();
          })
          .withTimeout(TIMEOUT_MS),
    ]);
  }
}
