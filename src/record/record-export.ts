import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ExportRegistry } from '../export/export-registry.js';
import {
  type ExportSource,
  exportedColumns,
  keysetRows,
  tableSource,
} from '../export/export-source.js';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'application/pdf': '.pdf',
};

/** A record's SOAP text and vitals: the clinical columns a company admin's export leaves out. */
const RECORD_CLINICAL_COLUMNS = [
  'subjective',
  'objective',
  'assessment',
  'plan',
  'weight_value',
  'weight_unit',
  'weight_kg',
  'temperature_c',
  'heart_rate',
  'respiratory_rate',
];

const ATTACHMENT_COLUMNS = [
  'id',
  'record_id',
  'kind',
  'content_type',
  'object_key',
  'size_bytes',
  'width',
  'height',
  'display_name',
  'uploaded_by_name',
  'created_at',
] as const;

/** Medical records, addenda, vaccinations and every attached file go into the clinic's export. */
@Injectable()
export class RecordExport implements OnModuleInit {
  constructor(private readonly registry: ExportRegistry) {}

  onModuleInit() {
    this.registry.register(
      tableSource({
        name: 'medical_records',
        columns: [
          'id',
          'pet_id',
          'appointment_id',
          'author_name',
          'recorded_at',
          'summary',
          ...RECORD_CLINICAL_COLUMNS,
          'status',
          'finalised_at',
          'finalised_by_name',
          'created_at',
          'updated_at',
        ],
        clinicalColumns: RECORD_CLINICAL_COLUMNS,
      }),
    );
    this.registry.register(
      tableSource({
        name: 'medical_record_addenda',
        columns: ['id', 'record_id', 'author_name', 'body', 'created_at'],
        clinicalColumns: ['body'],
      }),
    );
    this.registry.register(
      tableSource({
        name: 'vaccinations',
        columns: [
          'id',
          'pet_id',
          'record_id',
          'given_on',
          'product',
          'batch',
          'next_due_on',
          'given_by_name',
          'created_at',
        ],
      }),
    );
    const attachments: ExportSource = {
      name: 'attachments',
      columns: ATTACHMENT_COLUMNS,
      clinicalColumns: ['display_name'],
      rows: (ctx) =>
        keysetRows(ctx, {
          table: 'attachments',
          columns: exportedColumns(attachments, ctx),
          key: ['id'],
        }),
      // The original file of each attachment, named by its id (never by the uploaded name).
      objects: async function* (ctx) {
        for await (const row of keysetRows(ctx, {
          table: 'attachments',
          columns: ['id', 'object_key', 'content_type'],
          key: ['id'],
        })) {
          yield {
            key: String(row.object_key),
            name: `${String(row.id)}${EXTENSIONS[String(row.content_type)] ?? ''}`,
          };
        }
      },
    };
    this.registry.register(attachments);
  }
}
