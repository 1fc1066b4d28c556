// `node --import ./test/harness/ts-register.mjs src/main.ts`: the app's TypeScript run as a
// process of its own (a test that sends it signals), through the same swc hooks as global setup.
import { register } from 'node:module';

register('./ts-hooks.js', import.meta.url);
