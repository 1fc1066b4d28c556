import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalSecrets {
  postgresPassword: string;
  ownerPassword: string;
  runtimePassword: string;
  sessionSecret: string;
}

/**
 * Embedded mode has no operator to hand out secrets: generate them once and keep them
 * (mode 600) beside the data they protect, so restarts keep sessions and passwords.
 */
export function loadOrCreateLocalSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  mkdirSync(dataDir, { recursive: true });
  const make = () => randomBytes(24).toString('base64url');
  const secrets: LocalSecrets = {
    postgresPassword: make(),
    ownerPassword: make(),
    runtimePassword: make(),
    sessionSecret: randomBytes(32).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
