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
import { JobQueue } from './job-queue.js';
import { MessageQueries } from './message.queries.js';

/**
 * Hands due messages to the queue (the outbox relay): every MESSAGE_RELAY_INTERVAL_MS it
 * asks `due_owner_messages()` for the ids of queued rows due within
 * MESSAGE_RELAY_AHEAD_SECONDS, in every tenant, sends them to pg-boss in one statement, each
 * to start at its time with the row's id as the job's (two relays hand a row over once), then
 * marks the rows relayed, one transaction per tenant. A crash between the two steps only
 * hands them over again, which the job ids make harmless.
 */
@Injectable()
export class MessageRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    // Across tenants: ids of due messages through one SECURITY DEFINER function (ids only).
    @Inject(RUNTIME_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly db: TenantDb,
    private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOG) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relayNow(), this.config.mail.relayIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass (tests call it to skip the wait); answers how many messages it handed over. */
  relayNow(): Promise<number> {
    this.running ??= this.relay()
      .catch((err) => {
        this.log.warn({ err }, 'message relay failed');
        return 0;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  private async relay(): Promise<number> {
    const due: { tenant_id: string; id: string; send_at: Date }[] = await this.dataSource.query(
      'select tenant_id, id, send_at from due_owner_messages($1, $2)',
      [500, this.config.mail.relayAheadSeconds],
    );
    // All of them handed over in one statement, then each tenant's rows marked in one transaction.
    await this.queue.send(
      due.map(({ tenant_id: tenantId, id, send_at: startAfter }) => ({
        job: { tenantId, messageId: id },
        startAfter,
      })),
    );
    const byTenant = new Map<string, string[]>();
    for (const { tenant_id: tenantId, id } of due) {
      const ids = byTenant.get(tenantId) ?? byTenant.set(tenantId, []).get(tenantId)!;
      ids.push(id);
    }
    for (const [tenantId, ids] of byTenant)
      await this.db.runFor(tenantId, (tx) => MessageQueries.markRelayed(tx, ids));
    return due.length;
  }
}
