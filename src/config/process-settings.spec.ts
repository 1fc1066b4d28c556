import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../common/paths.js';
import { APP_NODE_FLAGS, APP_PROCESS_ENV } from './process-settings.js';

const read = (...path: string[]) => readFileSync(join(PROJECT_ROOT, ...path), 'utf8');

describe('every way of starting the app uses the same process settings', () => {
  const settings = [
    ...APP_NODE_FLAGS,
    ...Object.entries(APP_PROCESS_ENV).map(([k, v]) => `${k}=${v}`),
  ];

  it.each(['start', 'start:prod'])('npm run %s', (script) => {
    const command: string = JSON.parse(read('package.json')).scripts[script];
    for (const s of settings) expect(command).toContain(s);
  });

  it('docker/Dockerfile', () => {
    const dockerfile = read('docker', 'Dockerfile');
    for (const s of settings) expect(dockerfile).toContain(s.includes('=') ? s : `"${s}"`);
  });

  it('the capacity and overload benchmarks', () => {
    for (const file of ['capacity-setup.ts', 'overload.ts']) {
      expect(read('test', 'bench', file)).toContain('APP_NODE_FLAGS');
      expect(read('test', 'bench', file)).toContain('APP_PROCESS_ENV');
    }
  });
});
