import type { WebClient } from './http.js';

// Helpers for the medical-record pages: a record's id from its redirect, an upload as the
// page's script sends it, and a small PDF.

/** The id at the end of a 303 to /c/<slug>/records/<id>. */
export function recordIdFrom(location: string | null): string {
  const id = /\/records\/([0-9a-f-]{36})$/.exec(location ?? '')?.[1];
  if (!id) throw new Error(`not a record location: ${location}`);
  return id;
}

/** Uploads one file like the record page's script does (multipart, CSRF header, JSON answer). */
export async function uploadFile(
  web: WebClient,
  path: string,
  file: { name: string; type: string; data: Buffer },
  /** A one-time key: as the page's script sends it (`header`), or as a form field before the file. */
  key?: { header?: string; field?: string },
) {
  const body = new FormData();
  if (key?.field) body.append('_formKey', key.field);
  body.append('file', new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
  const res = await web.request(path, {
    method: 'POST',
    body,
    headers: {
      'x-csrf-token': web.csrf ?? '',
      accept: 'application/json',
      ...(key?.header ? { 'idempotency-key': key.header } : {}),
    },
  });
  return { ...res, json: JSON.parse(res.text || '{}') };
}

/** A small valid PDF. */
export function pdfBytes(extra = 0): Buffer {
  const body = `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n`;
  return Buffer.concat([Buffer.from(body), Buffer.alloc(extra, 0x20), Buffer.from('\n%%EOF\n')]);
}
