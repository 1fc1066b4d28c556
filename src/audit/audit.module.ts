import { Global, Module } from '@nestjs/common';
import { AuditPartitions } from './audit-partitions.js';
import { AuditService } from './audit.service.js';

/** Who changed what and when, for every module. */
@Global()
@Module({ providers: [AuditService, AuditPartitions], exports: [AuditService] })
export class AuditModule {}
