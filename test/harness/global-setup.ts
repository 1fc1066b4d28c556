import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

/**
 * Jest loads global setup outside its module mapper, so the harness (which imports the
 * app's TypeScript sources) is loaded through tsx's loader instead.
 */
export default async function globalSetup() {
  const url = pathToFileURL(resolve('test/harness/services-setup.ts')).href;
  const harness = (await tsImport(url, pathToFileURL(resolve('package.json')).href)) as {
    setUpServices: () => Promise<void>;
  };
  await harness.setUpServices();
}
