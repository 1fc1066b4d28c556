import { firstRow, returningRows, type TenantTx } from '../database/tenant-db.js';

/** A booking request made on the clinic's public page. */
export interface OnlineBookingRow {
  id: string;
  appointmentId: string | null;
  email: string;
  locale: 'en' | 'es';
  status: 'held' | 'confirmed' | 'expired';
  holdExpiresAt: Date;
  confirmedAt: Date | null;
}

/** What the public page offers: the types and staff the manager chose, still active. */
export interface OnlineOffer {
  types: { id: string; name: string; durationMinutes: number }[];
  staff: { id: string; name: string }[];
}

const COLUMNS = `id, appointment_id as "appointmentId", email, locale, status,
  hold_expires_at as "holdExpiresAt", confirmed_at as "confirmedAt"`;

/** SQL of online booking. Every query filters tenant_id = $1. */
export const OnlineBookingQueries = {
  async offer(tx: TenantTx): Promise<OnlineOffer> {
    const types = await tx.manager.query<OnlineOffer['types']>(
      `select id, name, duration_minutes as "durationMinutes" from appointment_types
        where tenant_id = $1 and active and offered_online order by name`,
      [tx.tenantId],
    );
    const staff = await tx.manager.query<OnlineOffer['staff']>(
      `select id, name from staff
        where tenant_id = $1 and active and takes_appointments and offered_online order by name`,
      [tx.tenantId],
    );
    return { types, staff };
  },

  async insert(
    tx: TenantTx,
    row: {
      appointmentId: string;
      email: string;
      locale: string;
      tokenHash: string;
      holdExpiresAt: Date;
    },
  ): Promise<string> {
    const [{ id }] = await tx.manager.query<{ id: string }[]>(
      `insert into online_bookings (tenant_id, appointment_id, email, locale, token_hash, hold_expires_at)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [tx.tenantId, row.appointmentId, row.email, row.locale, row.tokenHash, row.holdExpiresAt],
    );
    return id;
  },

  /** The request a verification link names, locked for its confirmation. */
  byTokenHash(tx: TenantTx, tokenHash: string): Promise<OnlineBookingRow | null> {
    return firstRow<OnlineBookingRow>(
      tx.manager,
      `select ${COLUMNS} from online_bookings where tenant_id = $1 and token_hash = $2 for update`,
      [tx.tenantId, tokenHash],
    );
  },

  async markConfirmed(tx: TenantTx, id: string): Promise<void> {
    await tx.manager.query(
      `update online_bookings set status = 'confirmed', confirmed_at = now()
        where tenant_id = $1 and id = $2`,
      [tx.tenantId, id],
    );
  },

  /** Whether any unverified hold's time is up (a read, so a quiet page view writes nothing). */
  async anyExpired(tx: TenantTx): Promise<boolean> {
    const rows = await tx.manager.query<unknown[]>(
      `select 1 from online_bookings
        where tenant_id = $1 and status = 'held' and hold_expires_at <= now() limit 1`,
      [tx.tenantId],
    );
    return rows.length > 0;
  },

  /**
   * Claims the unverified holds whose time is up (at most `limit`): each is marked expired and
   * loses its appointment in this transaction; SKIP LOCKED lets two sweepers share the work.
   */
  claimExpired(tx: TenantTx, limit: number): Promise<OnlineBookingRow[]> {
    return returningRows<OnlineBookingRow>(
      tx.manager,
      `update online_bookings b set status = 'expired', appointment_id = null
         from (select id, appointment_id from online_bookings
                where tenant_id = $1 and status = 'held' and hold_expires_at <= now()
                order by hold_expires_at limit $2 for update skip locked) due
        where b.tenant_id = $1 and b.id = due.id
        returning b.id, due.appointment_id as "appointmentId", b.email, b.locale, b.status,
                  b.hold_expires_at as "holdExpiresAt", b.confirmed_at as "confirmedAt"`,
      [tx.tenantId, limit],
    );
  },
};
