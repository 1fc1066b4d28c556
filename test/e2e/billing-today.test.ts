import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  book,
  createCharge,
  createClinic,
  createPriceItem,
  EVERY_DAY,
  type TestClinic,
} from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { sharedApp } from '../harness/shared-app.js';

describe('the today board leads a patient ready to go to checkout', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let desk: WebClient;
  let visit: string;

  beforeAll(async () => {
    // A zone where it is around noon now, so the booking below falls on the board's today.
    const offset = 12 - new Date().getUTCHours();
    const timeZone = offset >= 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
    clinic = await createClinic({ timeZone, hours: EVERY_DAY('00:00', '24:00'), pets: 1 });
    visit = await book(clinic, {
      startsAt: new Date(Date.now() - 30 * 60_000),
      status: 'completed',
    });
    const item = await createPriceItem(clinic, { code: 'CONS', priceMinor: 5000 });
    await createCharge(clinic, { pet: clinic.pets[0], itemId: item, appointmentId: visit });
    desk = new WebClient(t.url);
    await desk.signIn(clinic.frontdesk.email);
  });

  it('offers Check out on the ready-to-go row, to the client account, and then marks that the client owes money', async () => {
    const row = async () =>
      new RegExp(`<tr data-id="${visit}"[\\s\\S]*?</tr>`).exec(
        (await desk.get(`/c/${clinic.slug}/today`)).text,
      )![0];
    const ready = await row();
    expect(ready).toContain('data-stage="readyToGo"');
    const link = /href="([^"]+)" data-testid="checkout-link"/.exec(ready)![1];
    expect(link).toBe(`/c/${clinic.slug}/clients/${clinic.pets[0].clientId}/account`);
    expect(ready).not.toContain('data-testid="owes"');
    const account = await desk.get(link);
    const charge = /name="chargeIds" value="([^"]+)"/.exec(account.text)![1];
    expect(
      (
        await desk.post(`/c/${clinic.slug}/clients/${clinic.pets[0].clientId}/checkout`, {
          chargeIds: charge,
        })
      ).status,
    ).toBe(303);
    expect(await row()).toContain('data-testid="owes"');
  });
});
