import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import { Mailer } from './mailer.js';
import {
  type MessageDetail,
  type MessageLogRow,
  MessageQueries,
  type MessageSettings,
} from './message.queries.js';

const WEEK_MS = 7 * 86_400_000;

/** What the clinic's pages show of its messages: delivery logs, the week's counts, the outbox. */
@Injectable()
export class MessageLog {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
    @Inject(Mailer) private readonly mailer: Mailer,
  ) {}

  /** `outbox`: mail stays in the app (no SMTP server), so the pages say so. */
  get outboxMode(): boolean {
    return this.mailer.mode === 'outbox';
  }

  ofClient(clientId: string): Promise<MessageLogRow[]> {
    return this.db.run((tx) => MessageQueries.ofClient(tx, clientId, 20));
  }

  overview() {
    return this.db.run(async (tx) => ({
      week: await MessageQueries.countsSince(tx, new Date(Date.now() - WEEK_MS)),
      recent: await MessageQueries.recent(tx, 50),
    }));
  }

  get(id: string): Promise<MessageDetail> {
    return this.detail(id, (work) => this.db.run(work));
  }

  /** One clinic's message for the platform admin's outbox (embedded mode only). */
  getFor(tenantId: string, id: string): Promise<MessageDetail> {
    return this.detail(id, (work) => this.db.runFor(tenantId, work));
  }

  /**
   * The latest messages of every clinic, newest first: the platform admin's outbox in
   * embedded mode (a handful of clinics; one transaction each, through the tenant door).
   */
  async acrossClinics(
    tenants: { id: string; slug: string; name: string }[],
    limit: number,
  ): Promise<(MessageLogRow & { clinicSlug: string; clinicName: string })[]> {
    const all = [];
    for (const t of tenants) {
      const rows = await this.db.runFor(t.id, (tx) => MessageQueries.recent(tx, limit));
      all.push(...rows.map((r) => ({ ...r, clinicSlug: t.slug, clinicName: t.name })));
    }
    return all.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit);
  }

  private detail(
    id: string,
    run: (work: (tx: TenantTx) => Promise<MessageDetail>) => Promise<MessageDetail>,
  ): Promise<MessageDetail> {
    if (!isUuid(id)) throw new NotFoundError('message');
    return run(async (tx) => {
      const message = await MessageQueries.detail(tx, id);
      if (!message) throw new NotFoundError('message');
      return message;
    });
  }

  settings(): Promise<MessageSettings> {
    return this.db.run((tx) => MessageQueries.settings(tx));
  }

  saveSettings(settings: MessageSettings): Promise<void> {
    return this.db.run(async (tx) => {
      const before = await MessageQueries.settings(tx);
      await MessageQueries.saveSettings(tx, settings);
      await this.audit.record(tx, {
        action: 'settings.messages_changed',
        entity: 'clinic',
        entityId: tx.tenantId,
        before,
        after: settings,
      });
    });
  }
}
