import { ClinicTime } from '../clinic/clinic-time.js';
import type { Locale } from '../i18n/i18n.js';
import { SPECIES } from '../pet/species.js';
import type { TenantRef } from '../tenant/request-context.js';
import type { FormErrors } from '../web/form-errors.js';
import type { BookingPage, ConfirmedBooking } from './online-booking.service.js';

type Clinic = Omit<TenantRef, 'role'>;

const option = (value: string, label: string, selected: string | null | undefined) => ({
  value,
  label,
  selected: value === selected,
});

/** What views/online-booking/book.hbs needs: the choices, the free times, the owner's form. */
export function bookingPageViewModel(input: {
  clinic: Clinic;
  page: BookingPage;
  locale: Locale;
  holdMinutes: number;
  form: { error?: FormErrors; values?: Record<string, string> };
}) {
  const { clinic, page, locale } = input;
  const values = input.form.values ?? {};
  const other = locale === 'en' ? 'es' : 'en';
  const query = (date: string) =>
    `/book/${clinic.slug}?lang=${locale}&typeId=${page.typeId ?? ''}&staffId=${page.staffId ?? ''}&date=${date}`;
  const previous = ClinicTime.addDays(page.date, -1);
  const next = ClinicTime.addDays(page.date, 1);
  return {
    layout: 'layouts/public',
    title: clinic.name,
    slug: clinic.slug,
    clinicName: clinic.name,
    locale,
    otherLocale: other,
    otherLocaleLink: `/book/${clinic.slug}?lang=${other}&typeId=${page.typeId ?? ''}&staffId=${page.staffId ?? ''}&date=${page.date}`,
    nothingOffered: page.offer.types.length === 0 || page.offer.staff.length === 0,
    typeOptions: page.offer.types.map((t) => option(t.id, t.name, page.typeId)),
    staffOptions: page.offer.staff.map((s) => option(s.id, s.name, page.staffId)),
    typeId: page.typeId,
    staffId: page.staffId ?? '',
    date: page.date,
    today: page.today,
    lastDay: page.lastDay,
    previousDay: page.date > page.today ? query(previous) : null,
    nextDay: page.date < page.lastDay ? query(next) : null,
    slots: page.slots.map((s) => ({ ...s, checked: s.value === values.slot })),
    speciesOptions: SPECIES.map((s) => option(s, s, values.petSpecies)),
    holdMinutes: input.holdMinutes,
    error: input.form.error,
    values,
  };
}

/** The page an emailed link opens: the booking, and the button that confirms it. */
export function confirmViewModel(
  clinic: Clinic,
  booking: ConfirmedBooking & { confirmed: boolean },
  opts: { token: string; justConfirmed?: boolean },
) {
  const a = booking.appointment;
  return {
    layout: 'layouts/public',
    title: clinic.name,
    slug: clinic.slug,
    clinicName: clinic.name,
    token: opts.token,
    confirmed: booking.confirmed,
    justConfirmed: opts.justConfirmed ?? false,
    appointment: {
      petName: a.petName,
      staffName: a.staffName,
      typeName: a.typeName,
      startsAt: a.startsAt,
    },
  };
}
