import { beforeAll, describe, expect, it } from '@jest/globals';
import { createClient, createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
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
});
