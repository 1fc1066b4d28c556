import pg from 'pg';
import type { TestClinic } from './factories.js';
import { superuserUrl } from './services.js';

/**
 * Holds a vet's booking lock (the advisory lock a booking takes before it inserts) from a
 * connection of the test's own, so the app's bookings of that vet wait inside their
 * transactions until `release`: requests that stay in flight for as long as a test needs.
 */
export async function holdBookingLock(clinic: TestClinic, staffId = clinic.vets[0].id) {
  const holder = new pg.Client({ connectionString: superuserUrl() });
  await holder.connect();
  await holder.query('select pg_advisory_lock(hashtextextended($1, 0))', [
    `${clinic.id}/staff/${staffId}`,
  ]);
  return {
    /** How many of the database's sessions wait on an advisory lock. */
    waiting: async (): Promise<number> =>
      (
        await holder.query(
          `select count(*)::int as n from pg_stat_activity where wait_event = 'advisory' and datname = current_database()`,
        )
      ).rows[0].n,
    release: () => holder.end(),
  };
}
