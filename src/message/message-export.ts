import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ExportRegistry } from '../export/export-registry.js';
import { tableSource } from '../export/export-source.js';

/** Messages to owners (the delivery log) and their opt-outs go into the clinic's export. */
@Injectable()
export class MessageExport implements OnModuleInit {
  constructor(private readonly registry: ExportRegistry) {}

  onModuleInit() {
    this.registry.register(
      tableSource({
        name: 'owner_messages',
        columns: [
          'id',
          'kind',
          'purpose_key',
          'client_id',
          'appointment_id',
          'vaccination_id',
          'to_address',
          'locale',
          'send_at',
          'status',
          'attempts',
          'transport',
          'subject',
          'body_text',
          'error',
          'skip_reason',
          'created_at',
          'settled_at',
        ],
        // A recall names the vaccine: the text stays with readers of clinical content.
        clinicalColumns: ['body_text'],
      }),
    );
    this.registry.register(
      tableSource({
        name: 'message_opt_outs',
        columns: ['client_id', 'kind', 'created_at'],
        key: ['client_id', 'kind'],
      }),
    );
  }
}
