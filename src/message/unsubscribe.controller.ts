import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/app-error.js';
import { TenantDb } from '../database/tenant-db.js';
import { isLocale } from '../i18n/i18n.js';
import { MessageLinks } from './message-links.js';
import { MessageQueries } from './message.queries.js';

/**
 * The unsubscribe link of every message: public (the owner has no login), signed for one
 * client and one kind, idempotent, so opening it twice or a mail scanner opening it first
 * does no more than opting out once. A forged or mangled link is a 404.
 */
@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(
    private readonly links: MessageLinks,
    private readonly db: TenantDb,
    private readonly audit: AuditService,
  ) {}

  @Get(':token')
  async unsubscribe(@Param('token') token: string, @Res() res: Response) {
    const optOut = this.links.readUnsubscribeToken(token);
    if (!optOut) throw new NotFoundError('link');
    const page = await this.db.runFor(optOut.tenantId, async (tx) => {
      const client = await MessageQueries.client(tx, optOut.clientId);
      if (!client) return null;
      if (await MessageQueries.optOut(tx, client.id, optOut.kind))
        await this.audit.record(tx, {
          action: 'message.unsubscribed',
          entity: 'client',
          entityId: client.id,
          after: { kind: optOut.kind },
        });
      const clinic = await MessageQueries.clinic(tx);
      return { clinic: clinic?.name ?? '', locale: client.locale ?? tx.tenant.locale };
    });
    if (!page) throw new NotFoundError('link');
    if (isLocale(page.locale)) res.locals.locale = page.locale;
    res.render('message/unsubscribed', { kind: optOut.kind, clinicName: page.clinic });
  }
}
