import { Module } from '@nestjs/common';
import { ExportModule } from '../export/export.module.js';
import { RecordExport } from './record-export.js';
import { AttachmentController } from './attachment.controller.js';
import { AttachmentService } from './attachment.service.js';
import { OrphanSweeper } from './orphan-sweeper.js';
import { RecordViews } from './record-views.service.js';
import { RecordController } from './record.controller.js';
import { RecordService } from './record.service.js';
import { VaccinationService } from './vaccination.service.js';

/** Medical records, vaccinations and attachments (objects in S3 through src/storage). */
@Module({
  imports: [ExportModule],
  providers: [
    RecordExport,
    RecordService,
    VaccinationService,
    AttachmentService,
    RecordViews,
    OrphanSweeper,
  ],
  controllers: [RecordController, AttachmentController],
  exports: [RecordService, VaccinationService, AttachmentService, RecordViews, OrphanSweeper],
})
export class RecordModule {}
