import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { type Locale, Translator } from '../i18n/i18n.js';
import { currentTenant } from '../tenant/request-context.js';
import { AttachmentService } from './attachment.service.js';
import { canFinalise, canReadClinical, canWriteRecords } from './record-access.js';
import { RecordService } from './record.service.js';
import { VaccinationService } from './vaccination.service.js';
import { weightChartSvg } from './weight-chart.js';

/**
 * View models of the record pages. `petRecordsSection` fills the partial
 * `record/pet-records` — the pet page's `<section id="pet-records">` can render it too:
 * `{{> record/pet-records petRecords}}` with `petRecords = await views.petRecordsSection(petId, locale)`.
 */
@Injectable()
export class RecordViews {
  constructor(
    private readonly records: RecordService,
    private readonly vaccinations: VaccinationService,
    private readonly attachments: AttachmentService,
    private readonly translator: Translator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async petRecordsSection(petId: string, locale: Locale) {
    const pet = await this.records.pet(petId);
    const clinical = canReadClinical();
    const [records, weights, vaccinations, images] = await Promise.all([
      this.records.listForPet(petId),
      clinical ? this.records.weightSeries(petId) : Promise.resolve([]),
      this.vaccinations.listForPet(petId),
      this.attachments.imagesForPet(petId),
    ]);
    const tz = currentTenant().timeZone;
    const weightChart = clinical
      ? weightChartSvg(
          weights.map((w) => ({ at: new Date(w.at), kg: w.kg })),
          {
            label: this.translator.t(locale, 'records.weightChartLabel', { name: pet.name }),
            formatDate: (d) => this.translator.formatDate(locale, d, tz, 'short'),
            formatKg: (n) => this.translator.formatNumber(locale, n, 1),
          },
        )
      : null;
    return {
      slug: currentTenant().slug,
      pet,
      records,
      weightChart,
      weights: clinical ? weights : [],
      vaccinations,
      images,
      clinical,
      canWrite: canWriteRecords(),
    };
  }

  async recordPage(recordId: string) {
    const { record, addenda, clinical } = await this.records.get(recordId);
    const [pet, attachments, history, appointments] = await Promise.all([
      this.records.pet(record.petId),
      this.attachments.listForRecord(recordId),
      clinical ? this.records.history(recordId) : Promise.resolve([]),
      canWriteRecords() && record.status === 'draft'
        ? this.records.appointmentsForPet(record.petId)
        : Promise.resolve([]),
    ]);
    const isDraft = record.status === 'draft';
    return {
      record,
      addenda,
      clinical,
      pet,
      attachments,
      history,
      appointments,
      isDraft,
      canEdit: canWriteRecords() && isDraft,
      canUpload: canWriteRecords() && isDraft,
      canDeleteAttachments: canWriteRecords() && isDraft,
      canFinalise: canFinalise() && isDraft,
      canAddAddendum: canWriteRecords() && !isDraft,
      maxUploadBytes: this.config.attachments.maxBytes,
      maxUploadMb: Math.round(this.config.attachments.maxBytes / 1024 / 1024),
    };
  }
}
