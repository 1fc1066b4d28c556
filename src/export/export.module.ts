import { Module } from '@nestjs/common';
import { ExportController } from './export.controller.js';
import { ExportRegistry } from './export-registry.js';
import { TenantExportService } from './tenant-export.service.js';

/** The clinic's data as one streamed archive; modules add their data through ExportRegistry. */
@Module({
  providers: [ExportRegistry, TenantExportService],
  controllers: [ExportController],
  exports: [ExportRegistry],
})
export class ExportModule {}
