import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { CompanyRollupService } from './company-rollup.service.js';
import { CompanyStaffService } from './company-staff.service.js';
import { CompanyController } from './company.controller.js';
import { CompanyService } from './company.service.js';

/** Enterprise companies: roll-up dashboards across their clinics and staff who work in several. */
@Module({
  imports: [StaffModule, BillingModule],
  providers: [CompanyService, CompanyRollupService, CompanyStaffService],
  controllers: [CompanyController],
  exports: [CompanyService],
})
export class CompanyModule {}
