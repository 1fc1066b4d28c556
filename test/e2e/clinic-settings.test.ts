import { beforeAll, describe, expect, it } from '@jest/globals';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { sharedApp } from '../harness/shared-app.js';

describe('clinic settings', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let manager: WebClient;
  beforeAll(async () => {
    clinic = await createClinic({ timeZone: 'Europe/Madrid' });
    manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
  });

  it('lets a manager set split opening hours that booking then follows', async () => {
    const page = await manager.get(`/c/${clinic.slug}/settings`);
    expect(page.status).toBe(200);
    const res = await manager.post(`/c/${clinic.slug}/settings/hours`, {
      d2_1_opens: '09:00',
      d2_1_closes: '14:00',
      d2_2_opens: '16:00',
      d2_2_closes: '20:00',
    });
    expect(res.status).toBe(303);
    const after = await manager.get(`/c/${clinic.slug}/settings`);
    expect(after.text).toContain('value="16:00"');
    const book = (time: string) =>
      manager.post(`/c/${clinic.slug}/appointments`, {
        petId: clinic.pets[0].id,
        staffId: clinic.vets[0].id,
        typeId: clinic.consult,
        date: '2031-06-10',
        time,
      });
    expect((await book('14:30')).status).toBe(422); // Tuesday lunch break
    expect((await book('16:00')).status).toBe(303);
    expect((await book('10:00')).status).toBe(303);
  });

  it('refuses bad hours and an unknown time zone with messages, keeping what was saved', async () => {
    await manager.get(`/c/${clinic.slug}/settings`);
    const bad = await manager.post(`/c/${clinic.slug}/settings/hours`, {
      d1_1_opens: '18:00',
      d1_1_closes: '09:00',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Closing must be after opening.');
    expect((await manager.get(`/c/${clinic.slug}/settings`)).text).toContain('value="16:00"');
    const tz = await manager.post(`/c/${clinic.slug}/settings/time-zone`, {
      timeZone: 'Mars/Olympus',
    });
    expect(tz.status).toBe(400);
    expect(tz.text).toContain('not a known time zone');
    expect(
      (await manager.post(`/c/${clinic.slug}/settings/time-zone`, { timeZone: 'Atlantic/Canary' }))
        .status,
    ).toBe(303);
    expect((await manager.get(`/c/${clinic.slug}`)).text).toContain('Atlantic/Canary');
  });

  it('adds rooms, types and a closure for one vet', async () => {
    expect(
      (
        await manager.post(`/c/${clinic.slug}/settings/rooms`, {
          name: 'Dental suite',
          active: 'on',
        })
      ).status,
    ).toBe(303);
    expect(
      (
        await manager.post(`/c/${clinic.slug}/settings/types`, {
          name: 'Dental cleaning',
          durationMinutes: '45',
          colour: '#aa3377',
          active: 'on',
        })
      ).status,
    ).toBe(303);
    const closure = await manager.post(`/c/${clinic.slug}/settings/closures`, {
      startDate: '2031-06-17',
      startTime: '09:00',
      endDate: '2031-06-17',
      endTime: '20:00',
      staffId: clinic.vets[1].id,
      reason: 'Conference',
    });
    expect(closure.status).toBe(303);
    const page = await manager.get(`/c/${clinic.slug}/settings`);
    for (const text of ['Dental suite', 'Dental cleaning', 'Conference'])
      expect(page.text).toContain(text);
    const refused = await manager.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[0].id,
      staffId: clinic.vets[1].id,
      typeId: clinic.consult,
      date: '2031-06-17',
      time: '10:00',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('That time is blocked: Conference.');
    const otherVet = await manager.post(`/c/${clinic.slug}/appointments`, {
      petId: clinic.pets[0].id,
      staffId: clinic.vets[0].id,
      typeId: clinic.consult,
      date: '2031-06-17',
      time: '10:00',
    });
    expect(otherVet.status).toBe(303);
  });

  it('refuses a closure longer than 366 days with a message on its end date', async () => {
    await manager.get(`/c/${clinic.slug}/settings`);
    const res = await manager.post(`/c/${clinic.slug}/settings/closures`, {
      startDate: '2031-01-01',
      startTime: '09:00',
      endDate: '2032-01-03',
      endTime: '09:00',
      reason: 'Rebuilding',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('A closure can last at most 366 days.');
    expect((await manager.get(`/c/${clinic.slug}/settings`)).text).not.toContain('Rebuilding');
  });

  it('is for managers only: the front desk and the vet get 404', async () => {
    for (const email of [clinic.frontdesk.email, clinic.vet.email]) {
      const web = new WebClient(t.url);
      await web.signIn(email);
      expect((await web.get(`/c/${clinic.slug}/settings`)).status).toBe(404);
      await web.get(`/c/${clinic.slug}/calendar`);
      expect(
        (await web.post(`/c/${clinic.slug}/settings/rooms`, { name: 'Sneaky', active: 'on' }))
          .status,
      ).toBe(404);
    }
  });
});

describe('next free slot', () => {
  const t = sharedApp();

  it('fills in the first time the vet is free for the type, skipping booked ones', async () => {
    const clinic = await createClinic({
      timeZone: 'UTC',
      hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' })),
    });
    const web = new WebClient(t.url);
    await web.signIn(clinic.frontdesk.email);
    const first = await web.get(
      `/c/${clinic.slug}/appointments/new?petId=${clinic.pets[0].id}&staffId=${clinic.vets[0].id}&typeId=${clinic.consult}&findSlot=1`,
    );
    const date = /name="date" type="date" required value="([^"]+)"/.exec(first.text)![1];
    const time = /name="time" type="time" step="900" required value="([^"]+)"/.exec(first.text)![1];
    expect(first.text).toContain('The next free slot for this vet is filled in.');
    expect(
      (
        await web.post(`/c/${clinic.slug}/appointments`, {
          petId: clinic.pets[0].id,
          staffId: clinic.vets[0].id,
          typeId: clinic.consult,
          date,
          time,
        })
      ).status,
    ).toBe(303);
    const second = await web.get(
      `/c/${clinic.slug}/appointments/new?petId=${clinic.pets[1].id}&staffId=${clinic.vets[0].id}&typeId=${clinic.consult}&findSlot=1`,
    );
    const nextTime = /name="time" type="time" step="900" required value="([^"]+)"/.exec(
      second.text,
    )![1];
    const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
    // 20 minutes booked from `time`: the next quarter-hour slot free for 20 minutes starts 30 minutes later.
    expect((minutes(nextTime) - minutes(time) + 1440) % 1440).toBe(30);
  });
});
