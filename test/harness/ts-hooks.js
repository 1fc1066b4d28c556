/**
 * Node module hooks that run the TypeScript sources through swc with the project's .swcrc
 * (the same transform Jest uses, with the decorator metadata Nest's injection needs), so
 * global setup can load the harness and boot the shared app natively, outside Jest's
 * per-file module registry. A relative `./x.js` import finds `./x.ts` (NodeNext style).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from '@swc/core';

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (!/^\.\.?\//.test(specifier) || !specifier.endsWith('.js')) throw err;
    return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const { code } = await transform(await readFile(filename, 'utf8'), { filename });
  return { format: 'module', source: code, shortCircuit: true };
}
