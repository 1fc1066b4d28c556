import { beforeAll, describe, expect, it } from '@jest/globals';
import { createClient, createClinic, type TestClinic } from '../harness/factories.js';
import { WebClient } from '../harness/http.js';
import { adminQuery, superuserUrl } from '../harness/services.js';
import { sharedApp } from '../harness/shared-app.js';

interface Result {
  kind: 'client' | 'pet';
  id: string;
  label: string;
  sublabel: string;
  clientId: string;
  petId?: string;
}

describe('the one search box', () => {
  const t = sharedApp();
  let clinic: TestClinic;
  let other: TestClinic;
  let web: WebClient;
  let garciaId: string;
  let nonoId: string;

  beforeAll(async () => {
    clinic = await createClinic({ locale: 'es', name: 'Clínica del Sur' });
    other = await createClinic();
    const garcia = await createClient(clinic, {
      firstName: 'José',
      lastName: 'García Núñez',
      phone: '+34 600 123 456',
      email: 'pepe.garcia@correo.es',
      pets: [{ name: 'Ñoño', microchip: '941000024681357' }],
    });
    [garciaId, nonoId] = [garcia.id, garcia.pets[0].id];
    await createClient(clinic, {
      firstName: 'Clínica',
      lastName: 'Animalia',
      phone: '911 000 111',
    });
    await createClient(clinic, { firstName: 'Ana', lastName: 'Garcés', phone: '622 000 999' });
    await createClient(other, {
      firstName: 'José',
      lastName: 'García Secreto',
      phone: '+34 600 123 456',
    });
    web = new WebClient(t.url);
    await web.signIn(clinic.frontdesk.email);
  });

  const search = async (q: string, kind = ''): Promise<Result[]> => {
    const res = await web.get(
      `/c/${clinic.slug}/search.json?q=${encodeURIComponent(q)}${kind ? `&kind=${kind}` : ''}`,
      { accept: 'application/json' },
    );
    expect(res.status).toBe(200);
    return JSON.parse(res.text).results;
  };
  const labels = (results: Result[]) => results.map((r) => r.label);

  it('finds a client from part of a name typed without accents, in any case', async () => {
    expect(labels(await search('garc'))).toEqual(
      expect.arrayContaining(['José García Núñez', 'Ana Garcés']),
    );
    expect(labels(await search('GARCIA NUNEZ'))[0]).toBe('José García Núñez');
    expect(labels(await search('clinica'))).toContain('Clínica Animalia');
    expect(labels(await search('jose'))).toContain('José García Núñez');
    expect(labels(await search('Núñez'))).toContain('José García Núñez');
  });

  it('finds a client by phone digits with or without spaces, and by part of the email', async () => {
    for (const q of ['600123456', '600 123 456', '+34 600', '123 456'])
      expect({ q, found: labels(await search(q)) }).toEqual({
        q,
        found: expect.arrayContaining(['José García Núñez']),
      });
    expect(labels(await search('pepe.garcia@'))).toContain('José García Núñez');
  });

  it("finds a pet by name, by microchip, and by its owner's name, with the ids the pet picker needs", async () => {
    const byName = await search('nono');
    expect(byName.find((r) => r.kind === 'pet')).toEqual(
      expect.objectContaining({
        kind: 'pet',
        id: nonoId,
        petId: nonoId,
        clientId: garciaId,
        label: 'Ñoño',
        sublabel: 'José García Núñez · 941000024681357',
      }),
    );
    expect((await search('24681357')).map((r) => r.id)).toContain(nonoId);
    const picker = await search('garcia', 'pet');
    expect(picker.every((r) => r.kind === 'pet')).toBe(true);
    expect(picker.map((r) => r.petId)).toContain(nonoId);
  });

  it("never shows another clinic's clients, however well they match", async () => {
    const all = [...(await search('Secreto')), ...(await search('600123456'))];
    expect(labels(all)).not.toContain('José García Secreto');
  });

  it('offers the box in the header and on the clients list, and links each result to its page', async () => {
    const list = await web.get(`/c/${clinic.slug}/clients`);
    expect(list.text).toContain('id="header-search"');
    expect(list.text).toContain('id="clients-search"');
    const page = await web.get(`/c/${clinic.slug}/search?q=${encodeURIComponent('garcía')}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`href="/c/${clinic.slug}/clients/${garciaId}"`);
    expect(page.text).toContain(`href="/c/${clinic.slug}/pets/${nonoId}"`);
    expect(page.text).toContain('resultados para «garcía»');
    const none = await web.get(`/c/${clinic.slug}/search?q=zzzqqq`);
    expect(none.text).toContain('No se encontró nada');
  });

  it('keeps search results to twenty', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `('${clinic.id}', 'Bulk${i}', 'Repetido')`);
    await adminQuery(
      superuserUrl(),
      `insert into clients (tenant_id, first_name, last_name) values ${rows.join(', ')}`,
    );
    expect(await search('repetido')).toHaveLength(20);
  });
});
