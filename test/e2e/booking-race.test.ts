import { beforeAll, describe, expect, it } from '@jest/globals';
import { isSlotConflict } from '../../src/appointment/appointment.queries.js';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

describe('a hundred front desks booking the same vet at once', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  beforeAll(async () => {
    clinic = await createClinic({ timeZone: 'America/New_York', pets: 10 });
  });

  it('lets exactly one win; the 99 others get a conflict naming the appointment already there', async () => {
    const desks = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const web = new WebClient(t.url);
        await web.signIn(clinic.frontdesk.email);
        await web.get(`/c/${clinic.slug}/appointments/new`);
        return web;
      }),
    );
    // Every slot overlaps every other: starts 10:00–10:15, all 20 minutes long.
    const attempts = Array.from({ length: 100 }, (_, i) =>
      desks[i % desks.length].post(`/c/${clinic.slug}/appointments`, {
        petId: clinic.pets[i % clinic.pets.length].id,
        staffId: clinic.vets[0].id,
        typeId: clinic.consult,
        date: '2031-09-16',
        time: `10:${String((i % 4) * 5).padStart(2, '0')}`,
      }),
    );
    const results = await Promise.all(attempts);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    const { rows } = await adminQuery(
      superuserUrl(),
      `select p.name from appointments a join pets p on p.tenant_id = a.tenant_id and p.id = a.pet_id where a.tenant_id = $1`,
      [clinic.id],
    );
    expect(rows).toHaveLength(1);
    for (const loser of results.filter((r) => r.status === 409)) {
      expect(loser.text).toContain(`already has ${rows[0].name} at Sep 16, 2031,`);
    }
  });

  it('treats both an exclusion violation and the deadlock it can cause as a taken slot', () => {
    expect(isSlotConflict({ code: '23P01' })).toBe(true);
    expect(isSlotConflict({ driverError: { code: '40P01' } })).toBe(true);
    expect(isSlotConflict({ code: '23505' })).toBe(false);
  });
});
