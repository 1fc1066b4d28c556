import { describe, expect, it } from '@jest/globals';
import { createClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { sharedApp } from '../harness/shared-app.js';

describe('the pet page', () => {
  const t = sharedApp();

  it("shows the pet's medical timeline to the vet and only the summary to the front desk", async () => {
    const clinic = await createClinic({ timeZone: 'Europe/Madrid' });
    const pet = clinic.pets[0];
    const vet = new WebClient(t.url);
    await vet.signIn(clinic.vet.email);
    const page = await vet.get(`/c/${clinic.slug}/pets/${pet.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<section id="pet-records"[^>]*>[\s\S]*Medical records/);
    expect(page.text).toContain('No records yet');
    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    const deskPage = await desk.get(`/c/${clinic.slug}/pets/${pet.id}`);
    expect(deskPage.status).toBe(200);
    expect(deskPage.text).toContain('You see the summary of medical records');
    expect(page.text).not.toContain('You see the summary of medical records');
  });
});
