import { Injectable } from '@nestjs/common';
import { onFirstUse } from '../common/on-first-use.js';
import { type Locale, Translator } from '../i18n/i18n.js';
import type { InvoiceService } from './invoice.service.js';
import { invoiceNumber } from './invoice-view.js';

type InvoiceDocument = Awaited<ReturnType<InvoiceService['document']>>;

const COLUMNS = [
  { key: 'description', x: 50, width: 200, align: 'left' },
  { key: 'quantity', x: 250, width: 50, align: 'right' },
  { key: 'unitPrice', x: 300, width: 75, align: 'right' },
  { key: 'taxRate', x: 375, width: 50, align: 'right' },
  { key: 'amount', x: 425, width: 120, align: 'right' },
] as const;

const loadPdfKit = onFirstUse(async () => (await import('pdfkit')).default);

/**
 * The invoice or credit note as a PDF (pdfkit, its built-in Helvetica: Latin-1 covers the
 * clinics' languages and the € sign), in the clinic's language and number format.
 */
@Injectable()
export class InvoicePdf {
  constructor(private readonly translator: Translator) {}

  async render(doc: InvoiceDocument, locale: Locale, timeZone: string): Promise<Buffer> {
    const PDFDocument = await loadPdfKit();
    const t = (key: string, params?: Record<string, unknown>) =>
      this.translator.t(locale, `billing.${key}`, params);
    const money = (minor: string | bigint) =>
      this.translator.formatMoney(locale, minor, doc.invoice.currency);
    const pdf = new PDFDocument({
      size: 'A4',
      margin: 50,
      info: { Title: invoiceNumber(doc.invoice) ?? t('draft') },
    });
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<Buffer>((resolve) =>
      pdf.on('end', () => resolve(Buffer.concat(chunks))),
    );

    pdf.font('Helvetica-Bold').fontSize(16).text(doc.issuer.name);
    pdf.font('Helvetica').fontSize(10);
    for (const line of [doc.issuer.address, doc.issuer.phone]) if (line) pdf.text(line);
    pdf.moveDown();
    const title = doc.invoice.kind === 'credit_note' ? t('creditNote') : t('invoice');
    pdf
      .font('Helvetica-Bold')
      .fontSize(14)
      .text(`${title} ${invoiceNumber(doc.invoice) ?? `(${t('draft')})`}`);
    pdf.font('Helvetica').fontSize(10);
    if (doc.invoice.issuedAt)
      pdf.text(
        `${t('issuedOn')}: ${this.translator.formatDate(locale, doc.invoice.issuedAt, timeZone)}`,
      );
    pdf.moveDown().text(`${t('billTo')}: ${doc.client.name}`);
    for (const line of [doc.client.address, doc.client.email]) if (line) pdf.text(line);
    pdf.moveDown();

    let y = pdf.y;
    pdf.font('Helvetica-Bold');
    for (const c of COLUMNS) pdf.text(t(c.key), c.x, y, { width: c.width, align: c.align });
    pdf.font('Helvetica');
    for (const l of doc.lines) {
      y = pdf.y + 4;
      const cells = {
        description: l.discountReason
          ? `${l.description}\n${t('discount')}: ${money(l.discountMinor)} (${l.discountReason})`
          : l.description,
        quantity: this.translator.formatNumber(locale, Number(l.quantity)),
        unitPrice: money(l.unitPriceMinor),
        taxRate: `${this.translator.formatNumber(locale, l.taxRateBp / 100)} %`,
        amount: money(l.netMinor),
      };
      for (const c of COLUMNS) pdf.text(cells[c.key], c.x, y, { width: c.width, align: c.align });
    }
    pdf.moveDown();
    const total = (label: string, value: string) => {
      const at = pdf.y;
      pdf.text(label, 300, at, { width: 125, align: 'right' });
      pdf.text(value, 425, at, { width: 120, align: 'right' });
    };
    total(t('subtotal'), money(doc.totals.subtotal));
    for (const b of doc.totals.bands)
      total(
        t('taxAt', { rate: this.translator.formatNumber(locale, b.rateBp / 100) }),
        money(b.tax),
      );
    pdf.font('Helvetica-Bold');
    total(t('total'), money(doc.totals.total));
    pdf.font('Helvetica');
    total(t('paid'), money(doc.invoice.paidMinor));
    total(t('due'), money(doc.totals.total - BigInt(doc.invoice.paidMinor)));
    pdf.end();
    return done;
  }
}
