import type { TenantTx } from '../src/database/tenant-db.js';

/** The demo clinics whose owners may book online (issue 14). */
export const ONLINE_BOOKING_DEMO = new Set(['hospital-veterinario-norte', 'pet-spa-deluxe']);

/** Opens the clinic's public booking page with every active type and every bookable vet or groomer. */
export async function seedOnlineBooking(tx: TenantTx): Promise<void> {
  await tx.manager.query('update tenants set online_booking = true where id = $1', [tx.tenantId]);
  await tx.manager.query(
    'update appointment_types set offered_online = true where tenant_id = $1 and active',
    [tx.tenantId],
  );
  await tx.manager.query(
    `update staff set offered_online = true
      where tenant_id = $1 and active and takes_appointments and kind in ('vet', 'groomer')`,
    [tx.tenantId],
  );
}
