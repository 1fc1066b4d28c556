import { beforeAll, describe, expect, it } from '@jest/globals';
import { createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
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
    const page = async (section: string) =>
      (await manager.get(`/c/${clinic.slug}/settings/${section}`)).text;
    expect(await page('rooms')).toContain('Dental suite');
    expect(await page('types')).toContain('Dental cleaning');
    expect(await page('closures')).toContain('Conference');
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
    await manager.get(`/c/${clinic.slug}/settings/closures`);
    const res = await manager.post(`/c/${clinic.slug}/settings/closures`, {
      startDate: '2031-01-01',
      startTime: '09:00',
      endDate: '2032-01-03',
      endTime: '09:00',
      reason: 'Rebuilding',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('A closure can last at most 366 days.');
    expect((await manager.get(`/c/${clinic.slug}/settings/closures`)).text).not.toContain(
      'Rebuilding',
    );
  });

  /** The clinic's 'Consultation' type's row of the types section, with its checkboxes. */
  const saveConsult = (boxes: { active?: string; isDefault?: string }) =>
    manager.post(`/c/${clinic.slug}/settings/types`, {
      id: clinic.consult,
      name: 'Consultation',
      durationMinutes: '20',
      colour: '#0b6e69',
      ...boxes,
    });

  it('deactivates a room and an appointment type (an unticked box sends nothing)', async () => {
    const roomId = clinic.rooms[0];
    const room = await manager.post(`/c/${clinic.slug}/settings/rooms`, {
      id: roomId,
      name: 'Exam 1',
    });
    expect(room.status).toBe(303);
    expect(room.location).toBe(`/c/${clinic.slug}/settings/rooms?saved=1`);
    const type = await saveConsult({});
    expect(type.status).toBe(303);
    const types = await manager.get(`/c/${clinic.slug}/settings/types`);
    expect(types.text).toMatch(new RegExp(`id="type-${clinic.consult}"[^]*?name="active" >`));
    await saveConsult({ active: 'on', isDefault: 'on' });
    await manager.post(`/c/${clinic.slug}/settings/rooms`, {
      id: roomId,
      name: 'Exam 1',
      active: 'on',
    });
  });

  it('marks one appointment type as the default, taking the mark from the previous one', async () => {
    const defaults = async () =>
      (
        await adminQuery(
          superuserUrl(),
          `select name from appointment_types where tenant_id = $1 and is_default`,
          [clinic.id],
        )
      ).rows.map((r) => r.name);
    expect(await defaults()).toEqual(['Consultation']);
    const add = await manager.post(`/c/${clinic.slug}/settings/types`, {
      name: 'Vaccination',
      durationMinutes: '15',
      colour: '#2e7d32',
      active: 'on',
      isDefault: 'on',
    });
    expect(add.status).toBe(303);
    expect(await defaults()).toEqual(['Vaccination']);
    await saveConsult({ active: 'on', isDefault: 'on' });
    expect(await defaults()).toEqual(['Consultation']);
  });

  it('splits settings into sections, picks the time zone from a list and confirms removing a closure', async () => {
    const hours = await manager.get(`/c/${clinic.slug}/settings/hours`);
    expect(hours.text).toContain('<select id="timeZone" name="timeZone"');
    const zone = /<option value="([\w/+-]+)" selected>/.exec(hours.text)?.[1];
    expect(zone).toBe(
      (await manager.get(`/c/${clinic.slug}`)).text.match(/(Europe|Atlantic)\/\w+/)?.[0],
    );
    expect(hours.text.match(/<option value="\w+\/[\w/+-]+"/g)!.length).toBeGreaterThan(300);
    expect(hours.text).not.toContain('id="new-room"');
    const rooms = await manager.get(`/c/${clinic.slug}/settings/rooms`);
    expect(rooms.text).toContain('id="new-room"');
    expect(rooms.text).not.toContain('id="d1_1_opens"');
    expect(rooms.text).toContain('aria-current="page">Rooms</a>');
    const closures = await manager.get(`/c/${clinic.slug}/settings/closures`);
    expect(closures.text).toMatch(
      /<details class="confirm"><summary class="button">Remove<\/summary>\s*<form method="post" action="[^"]+\/delete"/,
    );
    expect(closures.text).toContain('Yes, remove it');
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

describe("the clinic's order of calendar columns", () => {
  const t = sharedApp();

  it('is vets first by default; a manager moves a column up or down, every calendar follows, and reset puts it back', async () => {
    const clinic = await createClinic({ vets: 3 });
    await adminQuery(
      superuserUrl(),
      `insert into staff (tenant_id, name, kind, takes_appointments) values ($1, 'Aaron Nurse', 'nurse', true)`,
      [clinic.id],
    );
    const manager = new WebClient(t.url);
    await manager.signIn(clinic.manager.email);
    const desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
    const heads = async () =>
      [
        ...(await desk.get(`/c/${clinic.slug}/calendar?date=2031-06-10`)).text.matchAll(
          /role="columnheader">([^<]+)</g,
        ),
      ].map((m) => m[1].trim());
    const vets = clinic.vets.map((v) => v.name).sort((a, b) => a.localeCompare(b));
    // The nurse sorts first by name but comes after every vet.
    expect(await heads()).toEqual([...vets, 'Aaron Nurse']);

    const page = await manager.get(`/c/${clinic.slug}/settings/staff`);
    const listed = /data-testid="column-order">([^]*?)<\/ol>/.exec(page.text)![1];
    expect([...listed.matchAll(/class="column-name">([^<]+)</g)].map((m) => m[1])).toEqual([
      ...vets,
      'Aaron Nurse',
    ]);
    expect(listed).toContain(`aria-label="Move ${vets[0]} up" disabled`);
    expect(listed).toContain('aria-label="Move Aaron Nurse down" disabled');

    const nurseId = /value="([0-9a-f-]{36})">\s*<button[^>]+aria-label="Move Aaron Nurse up"/.exec(
      listed,
    )![1];
    const move = (staffId: string, direction: string) =>
      manager.post(`/c/${clinic.slug}/settings/staff/order`, { staffId, direction });
    expect((await move(nurseId, 'up')).status).toBe(303);
    expect((await move(nurseId, 'up')).status).toBe(303);
    expect(await heads()).toEqual([vets[0], 'Aaron Nurse', vets[1], vets[2]]);
    const vetTwo = clinic.vets.find((v) => v.name === vets[2])!;
    expect((await move(vetTwo.id, 'down')).status).toBe(303); // already last: unchanged
    expect(await heads()).toEqual([vets[0], 'Aaron Nurse', vets[1], vets[2]]);

    expect((await move('not-an-id', 'up')).status).toBe(400);
    expect((await move(nurseId, 'sideways')).status).toBe(400);
    expect((await move('00000000-0000-4000-8000-000000000000', 'up')).status).toBe(404);
    await desk.get(`/c/${clinic.slug}/calendar`);
    expect(
      (
        await desk.post(`/c/${clinic.slug}/settings/staff/order`, {
          staffId: nurseId,
          direction: 'up',
        })
      ).status,
    ).toBe(404);

    const reset = await manager.get(`/c/${clinic.slug}/settings/staff`);
    expect(reset.text).toContain('Back to the default order (vets first)');
    expect((await move('', 'reset')).status).toBe(303);
    expect(await heads()).toEqual([...vets, 'Aaron Nurse']);
    const audit = await adminQuery(
      superuserUrl(),
      `select count(*) as n from audit_events where tenant_id = $1 and action = 'settings.calendar_order_changed'`,
      [clinic.id],
    );
    expect(Number(audit.rows[0].n)).toBe(4);
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
