import { Redis } from 'ioredis';

export default async function globalTeardown() {
  const steps =
    (globalThis as { __vetlaneTeardown?: (() => Promise<unknown>)[] }).__vetlaneTeardown ?? [];
  for (const step of steps.reverse())
    await step().catch((err) => console.error('teardown step failed', err));
  // This run's Redis keys (sessions, throttles, cache) go with it.
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const keys = await redis.keys(`${process.env.REDIS_PREFIX}*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
