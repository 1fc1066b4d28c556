import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportRegistry } from '../../src/export/export-registry.js';
import { ObjectStorage } from '../../src/storage/object-storage.js';
import { ownRedisPrefix, startTestApp, type TestApp } from '../harness/app.js';
import { book, createClinic, type TestClinic } from '../harness/factories.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { WebClient } from '../harness/http.js';

const TABLES = ['clients', 'pets', 'staff', 'appointments', 'audit_events'];

describe("a manager downloads all of the clinic's data", () => {
  let t: TestApp;
  let clinic: TestClinic;
  let dir: string;
  const objects = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp(ownRedisPrefix('export'));
    clinic = await createClinic({ pets: 1 });
    // More clients than one export batch, with the characters CSV must quote.
    await adminQuery(
      superuserUrl(),
      `insert into clients (tenant_id, first_name, last_name, notes)
       select $1, 'Client ' || n, 'O''Brien, "Jr"', 'line one' || chr(10) || 'line two' from generate_series(1, 2345) n`,
      [clinic.id],
    );
    for (let i = 0; i < 5; i++)
      await book(clinic, { startsAt: new Date(Date.UTC(2030, 5, 3, 9 + i)) });
    // A source registered here proves the plug-in: any module's rows and objects reach the archive.
    const storage = t.app.get(ObjectStorage);
    for (const name of ['lab-1.pdf', 'xray 2.jpg']) {
      const key = `${clinic.id}/test-attachments/${name}`;
      const body = `contents of ${name} `.repeat(1000);
      await storage.put(key, Buffer.from(body), 'application/octet-stream');
      objects.set(name, body);
    }
    t.app.get(ExportRegistry).register({
      name: 'test_attachments',
      columns: ['key'],
      async *rows(ctx) {
        for (const name of objects.keys())
          yield { key: `${ctx.tenantId}/test-attachments/${name}` };
      },
      async *objects(ctx) {
        for (const name of objects.keys())
          yield { key: `${ctx.tenantId}/test-attachments/${name}`, name };
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'vetlane-export-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('gets one archive with every row as JSON lines and CSV, every attachment, and a manifest with the counts', async () => {
    const web = new WebClient(t.url);
    await web.signIn(clinic.manager.email);
    const cookie = `vetlane.sid=${web.cookie('vetlane.sid')}`;
    const res = await fetch(`${t.url}/c/${clinic.slug}/export.zip`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const zip = join(dir, 'export.zip');
    writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
    execFileSync('unzip', ['-q', zip, '-d', join(dir, 'out')]);
    const out = (p: string) => readFileSync(join(dir, 'out', p), 'utf8');

    const manifest = JSON.parse(out('manifest.json'));
    for (const table of TABLES) {
      const { rows } = await adminQuery(
        superuserUrl(),
        `select id::text from ${table} where tenant_id = $1 order by id`,
        [clinic.id],
      );
      const ids = rows.map((r) => r.id);
      const lines = out(`data/${table}.jsonl`)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect({ table, ids: lines.map((l) => l.id).sort() }).toEqual({ table, ids });
      expect({ table, count: manifest.tables[table].rows }).toEqual({ table, count: ids.length });
      const csv = out(`data/${table}.csv`);
      for (const id of ids) expect(csv).toContain(id);
    }
    expect(manifest.tables.clients.rows).toBe(2346);
    expect(out('data/clients.csv')).toContain('"O\'Brien, ""Jr"""');
    expect(out('data/clients.jsonl')).toContain('"notes":"line one\\nline two"');
    expect(manifest.attachments.count).toBe(2);
    for (const [name, body] of objects) expect(out(`attachments/${name}`)).toBe(body);
    const { rows: exported } = await adminQuery(
      superuserUrl(),
      `select 1 from audit_events where tenant_id = $1 and action = 'clinic.exported'`,
      [clinic.id],
    );
    expect(exported).toHaveLength(1);
  });

  it("is a 404 for the clinic's vet and for the platform admin", async () => {
    for (const email of [clinic.vet.email, 'admin@vetlane.test']) {
      const web = new WebClient(t.url);
      await web.signIn(email);
      expect({ email, status: (await web.get(`/c/${clinic.slug}/export.zip`)).status }).toEqual({
        email,
        status: 404,
      });
    }
  });
});
