import { Global, Module } from '@nestjs/common';
import { AccessService } from './access.service.js';
import { ClinicAccessGuard } from './clinic-access.guard.js';
import { HomeController } from './home.controller.js';

/** Tenant resolution, access checks and the request's tenant context. */
@Global()
@Module({
  providers: [AccessService, ClinicAccessGuard],
  controllers: [HomeController],
  exports: [AccessService, ClinicAccessGuard],
})
export class TenantModule {}
