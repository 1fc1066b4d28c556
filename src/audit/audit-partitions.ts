import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { LOG } from '../core.module.js';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';
import { AuditQueries } from './audit.queries.js';

const DAY_MS = 24 * 3600 * 1000;
const MONTHS_AHEAD = 3;

/**
 * Keeps audit partitions created months ahead and drops those past the retention
 * (AUDIT_RETENTION_MONTHS): at start and once a day.
 */
@Injectable()
export class AuditPartitions implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    // Raw runtime DataSource: partitions are kept for every tenant at once (maintenance).
    @Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource,
    @Inject(LOG) private readonly log: Logger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Drops whole monthly partitions that ended more than the retention ago; returns how many. */
  dropExpired(keepMonths = this.config.audit.retentionMonths): Promise<number> {
    return AuditQueries.dropExpiredPartitions(this.db, keepMonths);
  }

  private async maintain(): Promise<void> {
    const created = await this.ensure();
    const dropped = await this.dropExpired();
    if (created || dropped) this.log.info({ created, dropped }, 'audit partitions maintained');
  }

  ensure(): Promise<number> {
    return AuditQueries.ensurePartitions(this.db, MONTHS_AHEAD);
  }

  async onApplicationBootstrap() {
    await this.maintain();
    this.timer = setInterval(() => {
      this.maintain().catch((err) =>
        this.log.error({ err }, 'could not maintain audit partitions'),
      );
    }, DAY_MS);
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }
}
