import { beforeAll, describe, expect, it } from '@jest/globals';
import { book, createClient, createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

describe('client and pet pages at the front desk', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let desk: WebClient;
  let family: Awaited<ReturnType<typeof createClient>>;

  beforeAll(async () => {
    clinic = await createClinic({ pets: 1 });
    family = await createClient(clinic, {
      lastName: 'Booker',
      phone: '+34 600 000 001',
      pets: [{ name: 'Luna' }, { name: 'Sol' }],
    });
    desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
  });

  it('has a Book button for each pet on the client page and on the pet page', async () => {
    const client = await desk.get(`/c/${clinic.slug}/clients/${family.id}`);
    for (const pet of family.pets)
      expect(client.text).toContain(
        `href="/c/${clinic.slug}/appointments/new?petId=${pet.id}" aria-label="Book an appointment for ${pet.name}"`,
      );
    const pet = await desk.get(`/c/${clinic.slug}/pets/${family.pets[1].id}`);
    expect(pet.text).toContain(
      `<a class="button primary" href="/c/${clinic.slug}/appointments/new?petId=${family.pets[1].id}">Book</a>`,
    );
    const form = await desk.get(`/c/${clinic.slug}/appointments/new?petId=${family.pets[1].id}`);
    expect(form.text).toMatch(/data-testid="picked-pet"><strong>Sol<\/strong>/);
  });

  it('lists upcoming and past appointments with status and vet, the last visit and the next vaccination', async () => {
    const [luna, sol] = family.pets;
    const day = 86_400_000;
    await book(clinic, {
      startsAt: new Date(Date.now() - 30 * day),
      pet: luna,
      status: 'completed',
    });
    await book(clinic, { startsAt: new Date(Date.now() - 10 * day), pet: luna, status: 'no_show' });
    await book(clinic, {
      startsAt: new Date(Date.now() + 5 * day),
      pet: sol,
      staffId: clinic.vets[1].id,
    });
    await book(clinic, { startsAt: new Date(Date.now() + 2 * day), pet: luna });
    await adminQuery(
      superuserUrl(),
      `insert into vaccinations (tenant_id, pet_id, given_on, product, batch, next_due_on, given_by_user_id, given_by_name)
       values ($1, $2, '2030-01-10', 'Rabies', 'B1', '2031-01-10', $3, 'Vet')`,
      [clinic.id, luna.id, clinic.vet.id],
    );
    const section = (html: string, id: string) =>
      new RegExp(`data-testid="${id}">([^]*?)</ul>`).exec(html)?.[1] ?? '';
    const pet = await desk.get(`/c/${clinic.slug}/pets/${luna.id}`);
    expect(section(pet.text, 'upcoming').match(/<li>/g)).toHaveLength(1);
    expect(section(pet.text, 'past')).toContain('No-show');
    expect(section(pet.text, 'past')).toContain('Completed');
    expect(pet.text).toMatch(/data-testid="last-visit">[A-Z][a-z]{2} \d{1,2}, \d{4}</);
    expect(pet.text).toContain('data-testid="next-vaccination">Jan 10, 2031</strong> · Rabies');
    expect(pet.text).toContain(`href="tel:+34 600 000 001"`);
    expect(pet.text).toContain(`href="sms:+34 600 000 001"`);
    const client = await desk.get(`/c/${clinic.slug}/clients/${family.id}`);
    const upcoming = section(client.text, 'upcoming');
    // Both pets' upcoming visits, soonest first, with the vet.
    expect(upcoming.indexOf('Luna')).toBeLessThan(upcoming.indexOf('Sol'));
    expect(upcoming).toContain(clinic.vets[1].name);
    expect(upcoming).toContain('Booked');
  });
});
