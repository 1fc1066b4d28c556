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
import { RUNTIME_DATA_SOURCE, TenantDb } from '../database/tenant-db.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { TenantQueries } from '../tenant/tenant.queries.js';
import { AttachmentQueries } from './record.queries.js';

const ATTACHMENT_KEY = /^[0-9a-f-]{36}\/attachments\/[0-9a-f-]{36}(\.thumb\.jpg)?$/;

export interface SweepResult {
  checked: number;
  deleted: string[];
}

/**
 * Deletes attachment objects that no row points at and that are older than the configured
 * age: uploads whose database write never happened (a crash, a failed cleanup, a store that
 * was down when a delete was attempted). Young objects are left alone, since their row may
 * be on its way. Runs periodically; `sweep` is also called directly (tests, operations).
 */
@Injectable()
export class OrphanSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<SweepResult>;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly db: TenantDb,
    // Raw runtime DataSource: the sweep lists every tenant (maintenance), then works in each.
    @Inject(RUNTIME_DATA_SOURCE) private readonly directory: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOG) private readonly log: Logger,
  ) {}

  onApplicationBootstrap() {
    const minutes = this.config.attachments.orphanSweepIntervalMinutes;
    if (!minutes) return;
    this.timer = setInterval(() => {
      this.sweep().catch((err) => this.log.warn({ err }, 'orphan sweep failed; will retry'));
    }, minutes * 60_000);
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /** One pass over every tenant's attachment prefix; concurrent calls share the pass. */
  sweep(opts: { olderThanMinutes?: number; now?: Date } = {}): Promise<SweepResult> {
    this.running ??= this.sweepOnce(opts).finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepOnce(opts: { olderThanMinutes?: number; now?: Date }): Promise<SweepResult> {
    const age = opts.olderThanMinutes ?? this.config.attachments.orphanSweepAgeMinutes;
    const cutoff = (opts.now ?? new Date()).getTime() - age * 60_000;
    const result: SweepResult = { checked: 0, deleted: [] };
    for (const tenantId of await TenantQueries.allIds(this.directory)) {
      const candidates: string[] = [];
      for await (const object of this.storage.list(`${tenantId}/attachments/`)) {
        result.checked++;
        if (ATTACHMENT_KEY.test(object.key) && object.lastModified.getTime() <= cutoff)
          candidates.push(object.key);
      }
      if (!candidates.length) continue;
      const known = await this.db.runFor(tenantId, (tx) =>
        AttachmentQueries.knownKeys(tx, candidates),
      );
      for (const key of candidates.filter((k) => !known.has(k))) {
        await this.storage.delete(key);
        result.deleted.push(key);
      }
    }
    if (result.deleted.length)
      this.log.info({ deleted: result.deleted.length }, 'orphan objects removed');
    return result;
  }
}
