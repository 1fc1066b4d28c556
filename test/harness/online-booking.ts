import { ClinicTime } from '../../src/clinic/clinic-time.js';
import type { TestClinic } from './factories.js';
import { adminQuery, superuserUrl } from './services.js';
import { WebClient } from './http.js';

/** Opens the clinic's online booking page, offering its Consultation with `staffIds` (default its first vet). */
export async function openOnlineBooking(clinic: TestClinic, staffIds = [clinic.vets[0].id]) {
  const url = superuserUrl();
  await adminQuery(url, 'update tenants set online_booking = true where id = $1', [clinic.id]);
  await adminQuery(url, 'update appointment_types set offered_online = true where tenant_id = $1', [
    clinic.id,
  ]);
  await adminQuery(
    url,
    'update staff set offered_online = (id = any($2::uuid[])) where tenant_id = $1',
    [clinic.id, staffIds],
  );
}

/** A clinic-local date `days` from today. */
export function dayAhead(clinic: TestClinic, days: number): string {
  return ClinicTime.addDays(ClinicTime.today(clinic.timeZone), days);
}

/** The slot choices a booking page offers: value (`staff|ISO`) and clinic-local time. */
export function offeredSlots(html: string): { value: string; time: string; staffId: string }[] {
  return [...html.matchAll(/name="slot" value="([^"|]+)\|([^"]+)" data-time="(\d\d:\d\d)"/g)].map(
    ([, staffId, iso, time]) => ({ value: `${staffId}|${iso}`, time, staffId }),
  );
}

/** The slot value for a clinic-local date and time with a person. */
export function slotValue(clinic: TestClinic, staffId: string, date: string, time: string) {
  return `${staffId}|${ClinicTime.toInstant(date, time, clinic.timeZone).toISOString()}`;
}

/** What an owner types, with the slot and the clinic's Consultation. */
export function ownerForm(clinic: TestClinic, slot: string, more: Record<string, string> = {}) {
  return {
    typeId: clinic.consult,
    slot,
    firstName: 'Ana',
    lastName: 'Online',
    email: `ana.${Math.random().toString(36).slice(2)}@example.com`,
    phone: '+34 600 123 456',
    petName: 'Coco',
    petSpecies: 'dog',
    website: '',
    ...more,
  };
}

/** A visitor who opened the booking page (so it has the anonymous CSRF cookie and token). */
export async function visitor(baseUrl: string, clinic: TestClinic, date?: string) {
  const web = new WebClient(baseUrl);
  const page = await web.get(`/book/${clinic.slug}${date ? `?date=${date}` : ''}`);
  if (page.status !== 200) throw new Error(`booking page answered ${page.status}`);
  return { web, page };
}
