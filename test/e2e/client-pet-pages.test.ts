import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EntityManager } from 'typeorm';
import { startTestApp, type TestApp } from '../harness/app.js';
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

async function giveVaccine(
  clinic: TestClinic,
  dose: { petId: string; product: string; givenOn: string; nextDueOn: string | null },
) {
  await adminQuery(
    superuserUrl(),
    `insert into vaccinations (tenant_id, pet_id, given_on, product, batch, next_due_on, given_by_user_id, given_by_name)
     values ($1, $2, $3, $4, 'B1', $5, $6, 'Vet')`,
    [clinic.id, dose.petId, dose.givenOn, dose.product, dose.nextDueOn, clinic.vet.id],
  );
}

describe("the client page's next vaccination per pet", () => {
  // An app of this file's own, so its queries can be counted.
  let app: TestApp;
  let clinic: TestClinic;
  let desk: WebClient;

  beforeAll(async () => {
    app = await startTestApp();
    clinic = await createClinic({ pets: 1 });
    desk = new WebClient(app.url);
    await desk.signIn(clinic.frontdesk.email);
  });
  afterAll(() => app.close());

  const countQueries = async (path: string) => {
    const original = EntityManager.prototype.query;
    let n = 0;
    EntityManager.prototype.query = function (
      this: EntityManager,
      ...args: Parameters<EntityManager['query']>
    ) {
      n++;
      return original.apply(this, args);
    } as EntityManager['query'];
    try {
      const page = await desk.get(path);
      expect(page.status).toBe(200);
      return { n, html: page.text };
    } finally {
      EntityManager.prototype.query = original;
    }
  };

  it("shows each pet's next booster (the latest dose of each product counts) in the same number of queries for 1 or 4 pets", async () => {
    const one = await createClient(clinic, { lastName: 'Solo', pets: [{ name: 'Kiwi' }] });
    const four = await createClient(clinic, {
      lastName: 'Many',
      pets: [{ name: 'Luna' }, { name: 'Sol' }, { name: 'Nube' }, { name: 'Rayo' }],
    });
    const [luna, sol, nube] = four.pets;
    await giveVaccine(clinic, {
      petId: one.pets[0].id,
      product: 'Rabies',
      givenOn: '2030-02-01',
      nextDueOn: '2031-02-01',
    });
    // Luna: the 2029 rabies dose is superseded by the 2030 one; DHPP comes due first.
    await giveVaccine(clinic, {
      petId: luna.id,
      product: 'Rabies',
      givenOn: '2029-01-10',
      nextDueOn: '2030-01-10',
    });
    await giveVaccine(clinic, {
      petId: luna.id,
      product: 'rabies ',
      givenOn: '2030-01-10',
      nextDueOn: '2031-01-10',
    });
    await giveVaccine(clinic, {
      petId: luna.id,
      product: 'DHPP',
      givenOn: '2030-03-01',
      nextDueOn: '2030-09-01',
    });
    await giveVaccine(clinic, {
      petId: sol.id,
      product: 'Leish',
      givenOn: '2030-05-05',
      nextDueOn: '2031-05-05',
    });
    await giveVaccine(clinic, {
      petId: nube.id,
      product: 'Once',
      givenOn: '2030-05-05',
      nextDueOn: null,
    });

    const few = await countQueries(`/c/${clinic.slug}/clients/${one.id}`);
    const many = await countQueries(`/c/${clinic.slug}/clients/${four.id}`);
    expect(many.n).toBe(few.n);
    expect(few.html).toContain('Next vaccination due: Feb 1, 2031 (Rabies)');

    const dueOf = (name: string) =>
      new RegExp(`<strong>${name}</strong>[^]*?</li>`)
        .exec(many.html)?.[0]
        .match(/data-testid="pet-next-vaccination">([^<]*)</)?.[1] ?? null;
    expect(dueOf('Luna')).toBe('Next vaccination due: Sep 1, 2030 (DHPP)');
    expect(dueOf('Sol')).toBe('Next vaccination due: May 5, 2031 (Leish)');
    expect(dueOf('Nube')).toBeNull();
    expect(dueOf('Rayo')).toBeNull();
  });
});
