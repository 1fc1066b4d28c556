import type { WebClient } from './http.js';
import { adminQuery, superuserUrl, tenantIdOf } from './services.js';

/** A fresh client with one pet in a demo clinic, so tests never share rows. */
export async function createPet(
  slug: string,
  name = 'Luna',
): Promise<{ tenantId: string; petId: string; clientId: string }> {
  const tenantId = await tenantIdOf(slug);
  const {
    rows: [client],
  } = await adminQuery(
    superuserUrl(),
    `insert into clients (tenant_id, first_name, last_name, phone) values ($1, 'Test', 'Owner', '+1 555 0100') returning id`,
    [tenantId],
  );
  const {
    rows: [pet],
  } = await adminQuery(
    superuserUrl(),
    `insert into pets (tenant_id, client_id, name, species) values ($1, $2, $3, 'dog') returning id`,
    [tenantId, client.id, name],
  );
  return { tenantId, petId: pet.id, clientId: client.id };
}

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
) {
  const body = new FormData();
  body.append('file', new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
  const res = await web.request(path, {
    method: 'POST',
    body,
    headers: { 'x-csrf-token': web.csrf ?? '', accept: 'application/json' },
  });
  return { ...res, json: JSON.parse(res.text || '{}') };
}

/** A small valid PDF. */
export function pdfBytes(extra = 0): Buffer {
  const body = `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n`;
  return Buffer.concat([Buffer.from(body), Buffer.alloc(extra, 0x20), Buffer.from('\n%%EOF\n')]);
}

/**
 * A Redis prefix of its own under the run's prefix (so teardown still removes it): the
 * sign-in throttle counts every attempt per IP, and all tests sign in from 127.0.0.1.
 */
export function ownRedisPrefix(suite: string): string {
  return `${process.env.REDIS_PREFIX}${suite}:`;
}
