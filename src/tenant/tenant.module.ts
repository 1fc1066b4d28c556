import { Global, Module } from '@nestjs/common';
import { AccessRevocations } from './access-revocations.js';
import { AccessService } from './access.service.js';
import { ClinicAccessGuard } from './clinic-access.guard.js';
import { HomeController } from './home.controller.js';
import { TenantService } from './tenant.service.js';

/** Tenant resolution, access checks and the request's tenant context. */
@Global()
@Module({
  providers: [AccessRevocations, AccessService, ClinicAccessGuard, TenantService],
  controllers: [HomeController],
  exports: [AccessRevocations, AccessService, ClinicAccessGuard, TenantService],
})
export class TenantModule {}
