/**
 * How an app process is started: package.json (`start`, `start:prod`), docker/Dockerfile and
 * the capacity benchmark all use these (process-settings.spec.ts checks that they agree).
 * They are settings of the Node binary and of glibc, read before any of our code runs, so
 * they cannot live in config.ts.
 *
 * - The old generation is capped: the app's live heap is about 70 MB, and without a cap V8
 *   lets garbage pile up to 200+ MB between major collections on a big machine.
 * - The young generation is halved (8 MB semi-spaces instead of V8's 16): 16-20 MB less RSS,
 *   and no more CPU per request measured on the day view or the front-desk mix (scavenges come
 *   twice as often, each over half the space).
 * - Two malloc arenas: argon2 (19 MiB per sign-in) runs on libuv's threads, and glibc keeps
 *   one such block per thread's arena after it is freed (4 threads: ~80 MB held for good).
 */
export const APP_NODE_FLAGS = ['--max-old-space-size=192', '--max-semi-space-size=8'] as const;
export const APP_PROCESS_ENV = { MALLOC_ARENA_MAX: '2' } as const;
