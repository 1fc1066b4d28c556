import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';

/** The engine package.json declares is the one the suite (and `npm start`) runs on: the `node` package. */
describe('the declared Node engine', () => {
  it('is the Node these tests run on', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const [, major, minor] = /^>=(\d+)\.(\d+)$/.exec(pkg.engines.node) ?? [];
    const [runMajor, runMinor] = process.versions.node.split('.').map(Number);
    expect(
      runMajor > Number(major) || (runMajor === Number(major) && runMinor >= Number(minor)),
    ).toBe(true);
    expect(process.versions.node).toBe(pkg.dependencies.node);
  });
});
