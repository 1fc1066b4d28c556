import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditPartitions } from './audit-partitions.js';
import { AuditService } from './audit.service.js';

/** Who changed what and when, for every module; the per-clinic log page for managers. */
@Global()
@Module({
  providers: [AuditService, AuditPartitions],
  controllers: [AuditController],
  exports: [AuditService, AuditPartitions],
})
export class AuditModule {}
