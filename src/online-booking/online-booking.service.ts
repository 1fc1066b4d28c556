import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppointmentService } from '../appointment/appointment.service.js';
import type { AppointmentView } from '../appointment/appointment.queries.js';
import { AuditService } from '../audit/audit.service.js';
import { ClinicTime } from '../clinic/clinic-time.js';
import { AppError, ValidationFailed } from '../common/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import { once } from '../idempotency/once.js';
import { ClientService } from '../pet/client.service.js';
import { PetService } from '../pet/pet.service.js';
import { OnlineLinkInvalid, OnlineSlotUnavailable } from './online-booking.errors.js';
import type { BookingRequestForm, SlotQuery } from './online-booking.forms.js';
import { type OnlineOffer, OnlineBookingQueries } from './online-booking.queries.js';
import { OnlineBookingMail } from './online-booking.mail.js';

/** How far ahead owners may book, and how soon: the front desk needs a moment to see it. */
const DAYS_AHEAD = 60;
const LEAD_MINUTES = 30;
const EXPIRE_BATCH = 50;

export interface OfferedSlot {
  /** `<staff id>|<ISO start>`: what the form posts back. */
  value: string;
  /** `HH:mm` on the clinic's clock (the page shows `startsAt` in the owner's language). */
  time: string;
  startsAt: Date;
  staffName: string;
}

export interface BookingPage {
  offer: OnlineOffer;
  typeId: string | null;
  staffId: string | null;
  date: string;
  today: string;
  lastDay: string;
  slots: OfferedSlot[];
}

/** What a verified (or already confirmed) request shows its owner. */
export interface ConfirmedBooking {
  appointment: AppointmentView;
  timeZone: string;
}

/**
 * Owners book on the clinic's public page. A request creates the owner and pet as new
 * records and books through the front desk's own path (AppointmentService.bookIn: hours,
 * closures, the lock and the exclusion constraints), holding the slot for a few minutes.
 * Clicking the emailed link confirms it; only then is the request matched to an existing
 * client by email (so the page never tells a stranger whether an email or pet is known).
 * An unconfirmed hold expires: its appointment, owner and pet are removed and the slot is free.
 */
@Injectable()
export class OnlineBookingService {
  constructor(
    private readonly db: TenantDb,
    private readonly appointments: AppointmentService,
    private readonly clients: ClientService,
    private readonly pets: PetService,
    private readonly audit: AuditService,
    private readonly mail: OnlineBookingMail,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The page: what is offered and the free times of the chosen type, person and day. */
  async page(tenantId: string, query: SlotQuery, now = new Date()): Promise<BookingPage> {
    await this.expireHolds(tenantId);
    return this.db.runFor(tenantId, async (tx) => {
      const offer = await OnlineBookingQueries.offer(tx);
      const zone = tx.tenant.timeZone;
      const today = ClinicTime.today(zone, now);
      const lastDay = ClinicTime.addDays(today, DAYS_AHEAD);
      const date = query.date && query.date >= today && query.date <= lastDay ? query.date : today;
      const type = offer.types.find((t) => t.id === query.typeId) ?? offer.types[0];
      const person = offer.staff.find((s) => s.id === query.staffId);
      const staff = person ? [person] : offer.staff;
      const free = type
        ? await this.appointments.freeTimes(tx, {
            date,
            durationMinutes: type.durationMinutes,
            staffIds: staff.map((s) => s.id),
            notBefore: new Date(now.getTime() + LEAD_MINUTES * 60_000),
          })
        : [];
      const nameOf = new Map(offer.staff.map((s) => [s.id, s.name]));
      const seen = new Set<number>();
      const slots = free
        .flatMap(({ staffId, slots }) => slots.map((slot) => ({ staffId, slot })))
        .sort((a, b) => a.slot.startsAt.getTime() - b.slot.startsAt.getTime())
        // Anyone free will do: one choice per time, with the first person free then.
        .filter(({ slot }) => !seen.has(slot.startsAt.getTime()) && seen.add(+slot.startsAt))
        .map(({ staffId, slot }) => ({
          value: `${staffId}|${slot.startsAt.toISOString()}`,
          time: ClinicTime.localTime(slot.startsAt, zone),
          startsAt: slot.startsAt,
          staffName: nameOf.get(staffId) ?? '',
        }));
      return {
        offer,
        typeId: type?.id ?? null,
        staffId: person?.id ?? null,
        date,
        today,
        lastDay,
        slots,
      };
    });
  }

  /**
   * Holds the slot for an unverified request and sends the verification link. The answer is
   * the same whoever the email belongs to.
   */
  async request(tenantId: string, form: BookingRequestForm, locale: 'en' | 'es'): Promise<void> {
    await this.expireHolds(tenantId);
    const token = randomBytes(32).toString('base64url');
    const events = await this.db.runFor(tenantId, async (tx) => {
      const views = await once(tx, 'online-booking.request', async () => {
        const offer = await OnlineBookingQueries.offer(tx);
        if (!offer.types.some((t) => t.id === form.typeId))
          throw new ValidationFailed({ typeId: 'validation.choose' });
        if (!offer.staff.some((s) => s.id === form.slot.staffId)) throw new OnlineSlotUnavailable();
        if (!withinBookingWindow(form.slot.startsAt, tx.tenant.timeZone))
          throw new OnlineSlotUnavailable();
        const views = await this.hold(tx, form);
        const holdExpiresAt = new Date(Date.now() + this.config.onlineBooking.holdMinutes * 60_000);
        const id = await OnlineBookingQueries.insert(tx, {
          appointmentId: views[0].id,
          email: form.email,
          locale,
          tokenHash: hashOf(token),
          holdExpiresAt,
        });
        await this.audit.record(tx, {
          action: 'online_booking.requested',
          entity: 'online_booking',
          entityId: id,
          after: { appointmentId: views[0].id, email: form.email, holdExpiresAt },
        });
        await this.mail.verification(tx, {
          bookingId: id,
          appointmentId: views[0].id,
          email: form.email,
          name: `${form.firstName} ${form.lastName}`,
          locale,
          token,
        });
        return views;
      });
      return this.appointments.numbered(
        tx,
        views.map((a) => ({ type: 'created', appointment: a })),
      );
    });
    this.appointments.announce(events);
  }

  /** The request the link names, as it stands (nothing changes until the owner confirms). */
  async pending(
    tenantId: string,
    token: string,
  ): Promise<ConfirmedBooking & { confirmed: boolean }> {
    await this.expireHolds(tenantId);
    return this.db.runFor(tenantId, async (tx) => {
      const row = await this.linked(tx, token);
      const appointment = await this.appointments.viewIn(tx, row.appointmentId);
      return { appointment, timeZone: tx.tenant.timeZone, confirmed: row.status === 'confirmed' };
    });
  }

  /**
   * The owner clicked the emailed link: the booking is theirs. It is matched to the clinic's
   * existing client with that email (and their pet of that name) if there is one, confirmed,
   * and the confirmation is sent. A second click changes nothing.
   */
  async confirm(tenantId: string, token: string): Promise<ConfirmedBooking> {
    await this.expireHolds(tenantId);
    const [appointment, timeZone, events] = await this.db.runFor(tenantId, async (tx) => {
      const row = await this.linked(tx, token);
      let view = await this.appointments.viewIn(tx, row.appointmentId);
      if (row.status === 'confirmed') return [view, tx.tenant.timeZone, []] as const;
      const provisional = view.clientId;
      const matched = await this.clients.matchProvisional(tx, {
        clientId: provisional,
        petId: view.petId,
        email: row.email,
        petName: view.petName,
      });
      if (matched) {
        view = await this.appointments.reassignPatient(tx, view.id, matched);
        await this.clients.removeProvisional(tx, provisional, 'online_booking_matched');
      }
      view = await this.appointments.confirmIn(tx, view.id);
      await OnlineBookingQueries.markConfirmed(tx, row.id);
      await this.audit.record(tx, {
        action: 'online_booking.confirmed',
        entity: 'online_booking',
        entityId: row.id,
        after: { appointmentId: view.id, matchedExistingClient: Boolean(matched) },
      });
      await this.mail.confirmation(tx, { appointmentId: view.id });
      const events = await this.appointments.numbered(tx, [{ type: 'updated', appointment: view }]);
      return [view, tx.tenant.timeZone, events] as const;
    });
    this.appointments.announce(events);
    return { appointment, timeZone };
  }

  /**
   * Frees the slots of unverified requests whose time is up: the appointment, and the owner
   * and pet made for it, are removed, and the calendars told. Cheap when none are due.
   */
  async expireHolds(tenantId: string): Promise<number> {
    const due = await this.db.runFor(tenantId, (tx) => OnlineBookingQueries.anyExpired(tx));
    if (!due) return 0;
    const withdrawn = await this.db.runFor(tenantId, async (tx) => {
      const views: AppointmentView[] = [];
      for (const hold of await OnlineBookingQueries.claimExpired(tx, EXPIRE_BATCH)) {
        if (!hold.appointmentId) continue;
        const view = await this.appointments.withdrawIn(
          tx,
          hold.appointmentId,
          'online_hold_expired',
        );
        await this.clients.removeProvisional(tx, view.clientId, 'online_hold_expired');
        await this.audit.record(tx, {
          action: 'online_booking.expired',
          entity: 'online_booking',
          entityId: hold.id,
          before: { appointmentId: hold.appointmentId, holdExpiresAt: hold.holdExpiresAt },
        });
        views.push(view);
      }
      const events = await this.appointments.numbered(
        tx,
        views.map((a) => ({ type: 'cancelled', appointment: { ...a, status: 'cancelled' } })),
      );
      return { count: views.length, events };
    });
    this.appointments.announce(withdrawn.events);
    return withdrawn.count;
  }

  /** The new owner and pet, and the booking through the front desk's path. */
  private async hold(tx: TenantTx, form: BookingRequestForm): Promise<AppointmentView[]> {
    const client = await this.clients.insert(tx, {
      firstName: form.firstName,
      lastName: form.lastName,
      email: form.email,
      phone: form.phone,
    });
    const pet = await this.pets.insert(tx, client.id, {
      name: form.petName,
      species: form.petSpecies,
    });
    const zone = tx.tenant.timeZone;
    try {
      return await this.appointments.bookIn(tx, {
        petId: pet.id,
        staffId: form.slot.staffId,
        roomId: null,
        typeId: form.typeId,
        date: ClinicTime.localDate(form.slot.startsAt, zone),
        time: ClinicTime.localTime(form.slot.startsAt, zone),
        reason: form.reason,
        source: 'online',
        // Confirmed by email first: the confirmation goes out once the link is clicked.
        notifyOwner: false,
      });
    } catch (err) {
      // Taken, closed, past: the visitor learns only that the time is not free (never whose it is).
      if (err instanceof AppError) throw new OnlineSlotUnavailable();
      throw err;
    }
  }

  /** The live request a link names; anything else is an invalid link. */
  private async linked(tx: TenantTx, token: string) {
    const row = /^[\w-]{43}$/.test(token)
      ? await OnlineBookingQueries.byTokenHash(tx, hashOf(token))
      : null;
    if (!row?.appointmentId || row.status === 'expired') throw new OnlineLinkInvalid();
    return { ...row, appointmentId: row.appointmentId };
  }
}

/** From LEAD_MINUTES from now to the end of the last day offered, as the page shows. */
function withinBookingWindow(startsAt: Date, zone: string, now = new Date()): boolean {
  const lastDay = ClinicTime.addDays(ClinicTime.today(zone, now), DAYS_AHEAD);
  return (
    startsAt.getTime() >= now.getTime() + LEAD_MINUTES * 60_000 &&
    startsAt < ClinicTime.dayRange(lastDay, zone).end
  );
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
