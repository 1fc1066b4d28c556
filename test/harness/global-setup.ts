import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const fileUrl = (path: string) => pathToFileURL(resolve(path)).href;

/**
 * Jest loads global setup outside its module mapper, so the harness (which imports the
 * app's TypeScript sources) is loaded natively through swc hooks instead. The services and
 * the shared app live in this process until global teardown.
 */
export default async function globalSetup() {
  register(fileUrl('test/harness/ts-hooks.js'));
  const services: typeof import('./services-setup.js') = await import(
    fileUrl('test/harness/services-setup.ts')
  );
  await services.setUpServices();
  const shared: typeof import('./shared-app.js') = await import(
    fileUrl('test/harness/shared-app.ts')
  );
  const app = await shared.startSharedApp();
  (globalThis as { __vetlaneTeardown?: (() => Promise<unknown>)[] }).__vetlaneTeardown!.push(() =>
    app.close(),
  );
}
