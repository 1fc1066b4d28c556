import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Owner messages by what they are about. Every change of an appointment settles its queued
 * messages (`where tenant_id = $1 and appointment_id = $2 …`), and deleting an appointment or
 * a vaccination cascades to its messages: without these the only index with the tenant
 * first made each of them read every message the clinic ever sent (a booking of a clinic
 * with 644 messages read all 644, 2.6 ms; a year's messages are tens of thousands).
 */
export class OwnerMessagesByAppointment1734400000000 implements MigrationInterface {
  name = 'OwnerMessagesByAppointment1734400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create index owner_messages_appointment_idx on owner_messages (tenant_id, appointment_id)
        where appointment_id is not null;
      create index owner_messages_vaccination_idx on owner_messages (tenant_id, vaccination_id)
        where vaccination_id is not null;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop index owner_messages_vaccination_idx;
      drop index owner_messages_appointment_idx;
    `);
  }
}
