import { Controller, Get, Param, Query, Render, Res, UseGuards } from '@nestjs/common';
import { Translator } from '../i18n/i18n.js';
import type { Response } from 'express';
import { NotFoundError } from '../common/app-error.js';
import { PlatformAdminGuard } from '../tenant/platform-admin.guard.js';
import { CHART_DAYS, PlatformStatsService } from './platform-stats.service.js';
import { JobQueue } from '../message/job-queue.js';
import { MessageLog } from '../message/message-log.service.js';
import { barChartSvg } from './svg-chart.js';
import { TIER_THRESHOLDS } from './tenant-tier.js';
import { parseTableQuery, SORTABLE, tenantsCsv } from './tenant-table.js';
import { pageLocale } from '../web/page-locale.js';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Platform admin: per-tenant numbers, totals, charts. Counts only, never clinical content. */
@Controller('admin')
@UseGuards(PlatformAdminGuard)
export class AdminController {
  constructor(
    private readonly stats: PlatformStatsService,
    private readonly translator: Translator,
    private readonly queue: JobQueue,
    private readonly messages: MessageLog,
  ) {}

  private dayLabel(res: Response, day: string): string {
    return this.translator.formatCalendarDate(pageLocale(res), day);
  }

  private chartTitle(res: Response, name?: string): string {
    const locale = pageLocale(res);
    return name
      ? this.translator.t(locale, 'platform.chartTenant', { days: CHART_DAYS, name })
      : this.translator.t(locale, 'platform.chartAll', { days: CHART_DAYS });
  }

  @Get()
  @Render('admin/tenants')
  async tenants(
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const table = parseTableQuery(query);
    const { all, ...page } = await this.stats.table(table, table.page);
    const [totals, perDay, queue] = await Promise.all([
      this.stats.totals(all),
      this.stats.appointmentsPerDay(CHART_DAYS),
      this.queue.counts(),
    ]);
    const link = (over: Record<string, string | number>) =>
      `/admin?${new URLSearchParams({ q: table.q, sort: table.sort, dir: table.dir, page: String(page.page), ...Object.fromEntries(Object.entries(over).map(([k, v]) => [k, String(v)])) })}`;
    return {
      title: 'Vetlane admin',
      queue,
      outbox: this.messages.outboxMode,
      totals: {
        ...totals,
        databaseSize: formatBytes(totals.databaseBytes),
      },
      table,
      page: {
        ...page,
        rows: page.rows.map((r) => ({
          ...r,
          dbSize: formatBytes(r.dbBytes),
          objectSize: formatBytes(r.objectBytes),
        })),
        previous: page.page > 1 ? link({ page: page.page - 1 }) : null,
        next: page.page < page.pages ? link({ page: page.page + 1 }) : null,
      },
      columns: SORTABLE.map((key) => ({
        key,
        active: key === table.sort,
        dir: key === table.sort ? table.dir : null,
        href: link({
          sort: key,
          dir: key === table.sort && table.dir === 'desc' ? 'asc' : 'desc',
          page: 1,
        }),
      })),
      csvHref: `/admin/tenants.csv?${new URLSearchParams({ q: table.q, sort: table.sort, dir: table.dir })}`,
      thresholds: TIER_THRESHOLDS,
      chart: barChartSvg({
        title: this.chartTitle(res),
        points: perDay.map((d) => ({ label: this.dayLabel(res, d.day), value: d.appointments })),
      }),
    };
  }

  @Get('tenants.csv')
  async csv(@Query() query: Record<string, unknown>, @Res() res: Response) {
    const { rows } = await this.stats.table(parseTableQuery(query));
    res
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', 'attachment; filename="vetlane-tenants.csv"')
      .send(tenantsCsv(rows));
  }

  @Get('tenants/:slug')
  @Render('admin/tenant')
  async tenant(@Param('slug') slug: string, @Res({ passthrough: true }) res: Response) {
    const tenant = (await this.stats.tenants()).find((t) => t.slug === slug);
    if (!tenant) throw new NotFoundError('tenant');
    const perDay = await this.stats.appointmentsPerDay(CHART_DAYS, tenant.id);
    return {
      title: tenant.name,
      tenant: {
        ...tenant,
        dbSize: formatBytes(tenant.dbBytes),
        objectSize: formatBytes(tenant.objectBytes),
      },
      chart: barChartSvg({
        title: this.chartTitle(res, tenant.name),
        points: perDay.map((d) => ({ label: this.dayLabel(res, d.day), value: d.appointments })),
      }),
    };
  }

  /** Embedded mode's mail viewer: the latest messages of every clinic (404 when mail leaves by SMTP). */
  @Get('outbox')
  @Render('admin/outbox')
  async outbox() {
    if (!this.messages.outboxMode) throw new NotFoundError('outbox');
    const clinics = await this.stats.clinics();
    return { title: 'Outbox', messages: await this.messages.acrossClinics(clinics, 50) };
  }

  @Get('outbox/:slug/:id')
  @Render('message/show')
  async outboxMessage(@Param('slug') slug: string, @Param('id') id: string) {
    if (!this.messages.outboxMode) throw new NotFoundError('outbox');
    const clinic = (await this.stats.clinics()).find((t) => t.slug === slug);
    if (!clinic) throw new NotFoundError('tenant');
    const message = await this.messages.getFor(clinic.id, id);
    return { title: message.subject ?? 'Message', message, backHref: '/admin/outbox' };
  }
}
