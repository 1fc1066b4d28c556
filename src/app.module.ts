import { type DynamicModule, Module } from '@nestjs/common';
import type { Request } from 'express';
import { LoggerModule } from 'nestjs-pino';
import { AdminModule } from './admin/admin.module.js';
import { ApiAuthModule } from './api/api-auth.module.js';
import { ApiModule } from './api/api.module.js';
import { AuditModule } from './audit/audit.module.js';
import { BillingModule } from './billing/billing.module.js';
import { AppointmentModule } from './appointment/appointment.module.js';
import { ClinicModule } from './clinic/clinic.module.js';
import { CompanyModule } from './company/company.module.js';
import { CoreModule } from './core.module.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './metrics/metrics.controller.js';
import type { Translator } from './i18n/i18n.js';
import type { Infrastructure } from './infrastructure.js';
import { PetModule } from './pet/pet.module.js';
import { RecordModule } from './record/record.module.js';
import { StaffModule } from './staff/staff.module.js';
import type { RequestContext } from './tenant/request-context.js';
import { TenantModule } from './tenant/tenant.module.js';
import { ThrottleModule } from './throttle/throttle.module.js';
import { ExportModule } from './export/export.module.js';
import { OnlineBookingModule } from './online-booking/online-booking.module.js';
import { MessageModule } from './message/message.module.js';

@Module({})
export class AppModule {
  static forRoot(infra: Infrastructure, translator: Translator): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(infra, translator),
        LoggerModule.forRoot({
          pinoHttp: {
            logger: infra.log,
            genReqId: (req) => (req as { id?: string }).id ?? 'unknown',
            customProps: (req) => {
              const ctx = (req as Request & { vetlaneContext?: RequestContext }).vetlaneContext;
              return { tenant: ctx?.tenant?.slug, user: ctx?.user?.id };
            },
            autoLogging: {
              ignore: (req) => req.url === '/health' || (req.url ?? '').startsWith('/assets/'),
            },
            // The completion line is written at info; below that level (production's warn) the
            // line is skipped before its props and child logger are built.
            customLogLevel: () => (infra.log.isLevelEnabled('info') ? 'info' : 'silent'),
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
        AuditModule,
        MessageModule,
        ThrottleModule,
        TenantModule,
        StaffModule,
        ClinicModule,
        CompanyModule,
        PetModule,
        ApiAuthModule,
        ApiModule,
        AppointmentModule,
        RecordModule,
        BillingModule,
        AdminModule,
        ExportModule,
        OnlineBookingModule,
      ],
      controllers: [HealthController, MetricsController],
    };
  }
}
