import { Controller, Get, Query, Render, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { calendarDate } from '../common/validation.js';
import { TenantDb } from '../database/tenant-db.js';
import { canReadClinical } from '../record/record-access.js';
import { ClinicAccessGuard, ClinicRoles } from '../tenant/clinic-access.guard.js';
import { currentTenant } from '../tenant/request-context.js';
import { Translator } from '../i18n/i18n.js';
import { describeAuditEvent } from './audit-sentence.js';
import { AuditService } from './audit.service.js';
import { pageLocale } from '../web/page-locale.js';

const PAGE_SIZE = 50;
const day = calendarDate();
const AuditQuery = z.object({
  entity: z.string().max(50).optional().catch(undefined),
  action: z.string().max(80).optional().catch(undefined),
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});

/** A clinic-local date as the instant its day starts (the clinic's midnight). */
function localMidnight(date: string | undefined, zone: string, plusDays = 0): Date | undefined {
  if (!date) return undefined;
  const dt = DateTime.fromISO(date, { zone }).plus({ days: plusDays });
  return dt.isValid ? dt.toJSDate() : undefined;
}

/**
 * The clinic's audit log for its managers: who changed what, when; its company's admins see
 * the same without the before / after details.
 */
@Controller('c/:clinicSlug/audit')
@UseGuards(ClinicAccessGuard)
@ClinicRoles('manager', 'company_admin')
export class AuditController {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditService,
    private readonly translator: Translator,
  ) {}

  @Get()
  @Render('audit/log')
  async log(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response) {
    const filter = AuditQuery.parse(query);
    const { timeZone: zone, role } = currentTenant();
    // What changed (before / after) is for clinical readers; a company admin sees who did what, when.
    const details = canReadClinical(role);
    const { events, facets } = await this.db.run(async (tx) => ({
      events: await this.audit.search(tx, {
        entity: filter.entity || undefined,
        action: filter.action || undefined,
        from: localMidnight(filter.from, zone),
        to: localMidnight(filter.to, zone, 1),
        limit: PAGE_SIZE + 1,
        offset: (filter.page - 1) * PAGE_SIZE,
      }),
      facets: await this.audit.facets(tx),
    }));
    const params = (page: number) =>
      `?${new URLSearchParams({
        entity: filter.entity ?? '',
        action: filter.action ?? '',
        from: filter.from ?? '',
        to: filter.to ?? '',
        page: String(page),
      })}`;
    const locale = pageLocale(res);
    const reader = { translator: this.translator, locale, timeZone: zone, details };
    const t = (key: string, params?: Record<string, unknown>) =>
      this.translator.t(locale, key, params);
    const known = (key: string) => this.translator.has(locale, key);
    return {
      title: t('auditLog.title'),
      filter,
      facets: {
        entities: facets.entities.map((value) => ({
          value,
          label: t(
            known(`auditLog.kind.${value}`) ? `auditLog.kind.${value}` : 'auditLog.kind.other',
          ),
        })),
        actions: facets.actions.map((value) => ({
          value,
          label: known(`auditLog.event.${value}`)
            ? t(`auditLog.event.${value}`, { who: '…' })
            : t('auditLog.kind.other'),
        })),
      },
      details,
      events: events.slice(0, PAGE_SIZE).map((e) => ({
        id: e.id,
        action: e.action,
        occurredAt: e.occurredAt,
        actorName: e.actorName,
        ...describeAuditEvent(e, reader),
      })),
      previous: filter.page > 1 ? params(filter.page - 1) : null,
      next: events.length > PAGE_SIZE ? params(filter.page + 1) : null,
      page: filter.page,
    };
  }
}
