import { Injectable } from '@nestjs/common';
import { ClinicTime } from '../clinic/clinic-time.js';
import { TenantDb, type TenantTx } from '../database/tenant-db.js';
import { BillingQueries } from './billing.queries.js';
import { PAYMENT_METHODS } from './billing.types.js';
import { PaymentQueries } from './payment.queries.js';

const DAY_MS = 86_400_000;

/** Money in: the day's cash-up for the desk, balances for the calendar, revenue for the company. */
@Injectable()
export class TakingsService {
  constructor(private readonly db: TenantDb) {}

  /** The clinic-local day's payments by method (refunds taken off), documents issued, open balances. */
  cashUp(date: string) {
    return this.db.run(async (tx) => {
      const range = ClinicTime.dayRange(date, tx.tenant.timeZone);
      const byMethod = await PaymentQueries.takingsByMethod(tx, range);
      const sum = (method: string, kind: string) =>
        BigInt(byMethod.find((r) => r.method === method && r.kind === kind)?.sumMinor ?? 0);
      const methods = PAYMENT_METHODS.map((method) => ({
        method,
        count: byMethod.filter((r) => r.method === method).reduce((n, r) => n + r.count, 0),
        inMinor: sum(method, 'payment'),
        outMinor: sum(method, 'refund'),
        netMinor: sum(method, 'payment') - sum(method, 'refund'),
      }));
      const issued = await PaymentQueries.issued(tx, range);
      const documents = (['invoice', 'credit_note'] as const).map((kind) => {
        const row = issued.find((r) => r.kind === kind);
        return { kind, count: row?.count ?? 0, totalMinor: BigInt(row?.totalMinor ?? 0) };
      });
      return {
        date,
        currency: (await BillingQueries.clinic(tx)).currency,
        methods,
        netMinor: methods.reduce((s, m) => s + m.netMinor, 0n),
        documents,
        balances: await PaymentQueries.openBalances(tx),
        payments: await PaymentQueries.payments(tx, { ...rangeOf(range), limit: 500, offset: 0 }),
      };
    });
  }

  /** Which of these clients owe money (the "owes money" mark on calendar blocks and pet pages). */
  async owing(tx: TenantTx, clientIds: string[]): Promise<Set<string>> {
    if (!clientIds.length) return new Set();
    const balances = await PaymentQueries.balances(tx, [...new Set(clientIds)]);
    return new Set([...balances].filter(([, b]) => b > 0n).map(([id]) => id));
  }

  /** Revenue before tax of the last 30 days and of the 30 before, in the clinic's currency. */
  async revenue(tx: TenantTx, now = new Date()) {
    const end = now;
    const mid = new Date(now.getTime() - 30 * DAY_MS);
    const start = new Date(mid.getTime() - 30 * DAY_MS);
    const r = await PaymentQueries.revenue(tx, { start: mid, end }, { start, end: mid });
    return {
      currency: (await BillingQueries.clinic(tx)).currency,
      currentMinor: BigInt(r.currentMinor),
      previousMinor: BigInt(r.previousMinor),
    };
  }
}

function rangeOf(range: { start: Date; end: Date }) {
  return { from: range.start, to: range.end };
}
