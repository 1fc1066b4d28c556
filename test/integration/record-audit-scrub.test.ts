import { describe, expect, it } from '@jest/globals';
import { RecordAuditFieldNames1733100000000 } from '../../migrations/1733100000000-record-audit-field-names.js';
import { createMigrationDataSource } from '../../src/database/data-sources.js';
import { createLogger } from '../../src/logger.js';
import { createClinic } from '../harness/factories.js';
import { adminQuery, superuserUrl } from '../harness/services.js';

describe('audit entries of records written before they held field names only', () => {
  it('lose their clinical text to the migration, keeping which fields changed', async () => {
    const clinic = await createClinic();
    const entry = (action: string, before: unknown, after: unknown) =>
      adminQuery(
        superuserUrl(),
        `insert into audit_events (tenant_id, action, entity, entity_id, before, after)
         values ($1, $2, 'medical_record', gen_random_uuid(), $3, $4)`,
        [clinic.id, action, before && JSON.stringify(before), JSON.stringify(after)],
      );
    const petId = clinic.pets[0]?.id ?? null;
    await entry('medical_record.created', null, {
      petId,
      summary: 'Check-up',
      subjective: 'OLD-SOAP',
      plan: '',
      temperatureC: 38.5,
      appointmentId: null,
    });
    await entry(
      'medical_record.updated',
      { version: 1, summary: 'Check-up', subjective: 'OLD-SOAP', plan: '', status: 'draft' },
      { summary: 'Check-up', subjective: 'OLD-SOAP', plan: 'OLD-PLAN', version: 1 },
    );
    await entry('medical_record.addendum_added', null, { addendumId: petId, body: 'OLD-BODY' });

    const ds = await createMigrationDataSource({
      url: process.env.DATABASE_DIRECT_URL!,
      log: createLogger('silent'),
    }).initialize();
    try {
      await ds.transaction((m) => new RecordAuditFieldNames1733100000000().up(m.queryRunner!));
    } finally {
      await ds.destroy();
    }

    const { rows } = await adminQuery(
      superuserUrl(),
      `select action, before, after, relforcerowsecurity as forced
         from audit_events, pg_class where tenant_id = $1 and relname = 'audit_events' order by action`,
      [clinic.id],
    );
    expect(JSON.stringify(rows)).not.toMatch(/OLD-/);
    expect(rows.map((r) => [r.action, r.before, r.after, r.forced])).toEqual([
      ['medical_record.addendum_added', null, { addendumId: petId }, true],
      [
        'medical_record.created',
        null,
        { petId, appointmentId: null, fields: ['subjective', 'summary', 'temperatureC'] },
        true,
      ],
      ['medical_record.updated', { version: 1 }, { changed: ['plan'] }, true],
    ]);
  });
});
