import { afterAll, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { startInfrastructure } from '../../src/infrastructure.js';
import { createLogger } from '../../src/logger.js';
import { WebClient } from '../harness/http.js';
import { freePort } from '../harness/services.js';

/**
 * What `npm start` does for a newcomer: no variables at all, so embedded PostgreSQL,
 * in-process s3rver and an in-memory cache; first start migrates and seeds; the second
 * start reuses the data.
 */
describe('the zero-configuration start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vetlane-embedded-'));
  chmodSync(dataDir, 0o755); // embedded PostgreSQL runs as user postgres
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function boot(env: Record<string, string>) {
    const config = loadConfig(env);
    const infra = await startInfrastructure(config, createLogger('silent'));
    const app = await createApp(infra);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      config,
      infra,
      close: async () => (await app.close(), await infra.close()),
    };
  }

  it('boots from an empty data folder, serves the demo, and boots again on the same data', async () => {
    const env = {
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      LOG_LEVEL: 'silent',
    };
    const first = await boot(env);
    try {
      expect(first.config.database.mode).toBe('embedded');
      expect(first.config.storage.mode).toBe('embedded');
      expect(first.infra.cache.backend).toBe('memory');
      expect((await fetch(`${first.url}/ready`)).status).toBe(200);
      const web = new WebClient(first.url);
      await web.signIn('frontdesk@vetgroom-central.vetlane.test');
      expect((await web.get('/c/vetgroom-central')).text).toContain('VetGroom Central');
    } finally {
      await first.close();
    }
    expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);

    const second = await boot(env);
    try {
      expect((await fetch(`${second.url}/ready`)).status).toBe(200);
      const [{ n }] = await second.infra.dataSource.query('select count(*)::int as n from tenants');
      expect(n).toBe(5); // seeded once, not twice
    } finally {
      await second.close();
    }
  });
});
