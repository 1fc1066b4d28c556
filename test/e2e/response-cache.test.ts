import { beforeAll, describe, expect, it } from '@jest/globals';
import { ClinicTime } from '../../src/clinic/clinic-time.js';
import {
  book,
  createClinic,
  createPet,
  createUser,
  type TestClinic,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { sharedApp } from '../harness/shared-app.js';

/**
 * The response cache seen from outside. A row written behind the app's back (the factories
 * write as the superuser) moves no generation, so it shows only once the app itself writes
 * in that clinic: that proves the page came from the cache, and that a write invalidates it.
 */
describe('the response cache', () => {
  const t = sharedApp();
  const date = '2031-05-13';
  let clinic: TestClinic;
  let frontdesk: WebClient;
  let vet: WebClient;

  const at = (time: string, of = clinic) => ClinicTime.toInstant(date, time, of.timeZone);
  const calendar = (web: WebClient) => web.get(`/c/${clinic.slug}/calendar?date=${date}`);
  /** Books through the app (a front desk's form, by default the clinic's): a write the cache must see. */
  const bookThroughApp = (
    petId: string,
    staffId: string,
    time: string,
    by = { desk: frontdesk, clinic },
  ) =>
    by.desk.post(`/c/${by.clinic.slug}/appointments`, {
      petId,
      staffId,
      typeId: by.clinic.consult,
      date,
      time,
    });

  beforeAll(async () => {
    clinic = await createClinic({ pets: 3 });
    frontdesk = new WebClient(t.url);
    await frontdesk.signIn(clinic.frontdesk.email);
    vet = new WebClient(t.url);
    await vet.signIn(clinic.vet.email);
  });

  it('serves the day view from the cache and shows a booking on the very next request', async () => {
    expect((await calendar(frontdesk)).text).not.toContain(clinic.pets[1].name);
    await book(clinic, { startsAt: at('09:00'), pet: clinic.pets[1] });
    expect((await calendar(frontdesk)).text).not.toContain(clinic.pets[1].name);

    const booked = await bookThroughApp(clinic.pets[2].id, clinic.vets[0].id, '11:00');
    expect(booked.status).toBe(303);
    const after = (await calendar(frontdesk)).text;
    expect(after).toContain(clinic.pets[2].name);
    expect(after).toContain(clinic.pets[1].name);
  });

  it('never hands one user the page of another: name and CSRF token are each their own', async () => {
    const mine = await calendar(frontdesk);
    const theirs = await calendar(vet);
    const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    const signedIn = (html: string) => /user-menu">\s*<summary>([^<]+)</.exec(html)?.[1];
    expect(signedIn(mine.text)).toBe(clinic.frontdesk.name);
    expect(signedIn(theirs.text)).toBe(clinic.vet.name);
    expect(token(mine.text)).toBeTruthy();
    expect(token(mine.text)).not.toBe(token(theirs.text));
    expect(frontdesk.csrf).toBe(token(mine.text));
    // The token of the cached page still works.
    const pet = await frontdesk.post(`/c/${clinic.slug}/clients/quick`, {
      firstName: 'Ana',
      lastName: 'Cache',
      petName: 'Tokenia',
      petSpecies: 'cat',
    });
    expect(pet.status).toBe(303);
  });

  it('gives the forms inside a cached page the reader’s own token, not the first reader’s', async () => {
    const first = new WebClient(t.url);
    await first.signIn(clinic.vet.email);
    await calendar(first);
    // The same user in another session: the page body comes from the cache.
    const second = new WebClient(t.url);
    await second.signIn(clinic.vet.email);
    const page = (await calendar(second)).text;
    const tokens = [...page.matchAll(/name="_csrf" value="([^"]*)"/g)].map((m) => m[1]);
    expect(tokens.length).toBeGreaterThan(2);
    expect(new Set(tokens)).toEqual(new Set([second.csrf]));
    const chosen = await second.post(`/c/${clinic.slug}/calendar/columns`, {
      choice: 'all',
      date,
    });
    expect(chosen.status).toBe(303);
  });

  it('shows the clinic switcher on the calendar (its own navigation no longer hides it)', async () => {
    const other = await createClinic();
    const person = await createUser({
      worksAt: [
        { clinic, role: 'front_desk' },
        { clinic: other, role: 'front_desk' },
      ],
    });
    const web = new WebClient(t.url);
    await web.signIn(person.email);
    const page = await calendar(web);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`href="/c/${other.slug}"`);
  });

  it('answers the API day list from the cache until the clinic changes', async () => {
    // A clinic of its own: the owner messages of the bookings above are relayed and sent in
    // the background, and each of those writes rightly moves its clinic's generation.
    const quiet = await createClinic({ pets: 2 });
    const manager = new WebClient(t.url);
    await manager.signIn(quiet.manager.email);
    await manager.get(`/c/${quiet.slug}/settings/api-tokens`);
    await manager.post(`/c/${quiet.slug}/settings/api-tokens`, { name: 'Cache' });
    const token = /data-testid="new-token">([^<]+)</.exec(
      (await manager.get(`/c/${quiet.slug}/settings/api-tokens`)).text,
    )![1];
    const day = async () => {
      const res = await fetch(`${t.url}/api/v1/appointments?date=${date}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await res.json()) as { data: { petName: string }[] }).data.map((a) => a.petName);
    };
    await book(quiet, { startsAt: at('09:00', quiet), pet: quiet.pets[1] });
    const before = await day();
    expect(before).toEqual([quiet.pets[1].name]);
    const late = await createPet(quiet, { name: `Late-${quiet.slug}` });
    await book(quiet, { startsAt: at('15:00', quiet), pet: late });
    expect(await day()).toEqual(before);
    const desk = new WebClient(t.url);
    await desk.signIn(quiet.frontdesk.email);
    await desk.get(`/c/${quiet.slug}/appointments/new`);
    const booked = await bookThroughApp(quiet.pets[0].id, quiet.vets[1].id, '16:00', {
      desk,
      clinic: quiet,
    });
    expect(booked.status).toBe(303);
    expect(await day()).toEqual([quiet.pets[1].name, late.name, quiet.pets[0].name]);
  });
});
