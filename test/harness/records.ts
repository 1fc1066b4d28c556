import type { WebClient } from './http.js';
import { adminQuery, superuserUrl, tenantIdOf } from './services.js';

const created: { petId: string; clientId: string }[] = [];

/**
 * Removes the clients and pets this suite created, with their records, files' rows and
 * vaccinations (as the superuser: the app role may not delete records), so the demo
 * clinics' counts are as seeded for the suites that run after (tenant-door counts them).
 */
export async function removeCreatedPets(): Promise<void> {
  const pets = created.splice(0).map((c) => c.petId);
  if (!pets.length) return;
  await adminQuery(
    superuserUrl(),
    `with records as (select tenant_id, id from medical_records where pet_id = any($1::uuid[])),
          a as (delete from attachments where (tenant_id, record_id) in (select * from records)),
          d as (delete from medical_record_addenda where (tenant_id, record_id) in (select * from records)),
          v as (delete from vaccinations where pet_id = any($1::uuid[]))
     select 1`,
    [pets],
  );
  await adminQuery(superuserUrl(), 'delete from medical_records where pet_id = any($1::uuid[])', [
    pets,
  ]);
  await adminQuery(
    superuserUrl(),
    `with p as (delete from pets where id = any($1::uuid[]) returning tenant_id, client_id)
     delete from clients c using p where c.tenant_id = p.tenant_id and c.id = p.client_id`,
    [pets],
  );
}

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
  created.push({ petId: pet.id, clientId: client.id });
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
