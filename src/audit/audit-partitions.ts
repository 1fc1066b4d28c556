import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOG } from '../core.module.js';
import { RUNTIME_DATA_SOURCE } from '../database/tenant-db.js';

const DAY_MS = 24 * 3600 * 1000;
const MONTHS_AHEAD = 3;

/** Keeps audit partitions created months ahead: at start and once a day. */
@Injectable()
export class AuditPartitions implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(RUNTIME_DATA_SOURCE) private readonly db: DataSource,
    @Inject(LOG) private readonly log: Logger,
  ) {}

  async ensure(): Promise<number> {
    const [row] = await this.db.query('select ensure_audit_partitions($1) as created', [
      MONTHS_AHEAD,
    ]);
    return row.created;
  }

  async onApplicationBootstrap() {
    const created = await this.ensure();
    if (created) this.log.info({ created }, 'audit partitions created');
    this.timer = setInterval(() => {
      this.ensure().catch((err) => this.log.error({ err }, 'could not create audit partitions'));
    }, DAY_MS);
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }
}
