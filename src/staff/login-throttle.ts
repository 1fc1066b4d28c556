import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { LoginThrottled } from './auth.errors.js';

interface Limits {
  maxFailuresPerAccount: number;
  maxAttemptsPerIp: number;
  blockMinutes: number;
}

/**
 * Sign-in throttling per account (failed attempts) and per IP (all attempts), in Redis so
 * every app process shares the counts (rate-limiter-flexible; memory in embedded mode).
 */
export class LoginThrottle {
  private readonly perAccount: RateLimiterAbstract;
  private readonly perIp: RateLimiterAbstract;

  constructor(redis: Redis | null, keyPrefix: string, limits: Limits) {
    const duration = limits.blockMinutes * 60;
    const make = (prefix: string, points: number) =>
      redis
        ? new RateLimiterRedis({
            storeClient: redis,
            keyPrefix: `${keyPrefix}${prefix}`,
            points,
            duration,
          })
        : new RateLimiterMemory({ keyPrefix: prefix, points, duration });
    this.perAccount = make('login-fail-account', limits.maxFailuresPerAccount);
    this.perIp = make('login-ip', limits.maxAttemptsPerIp);
  }

  /** Counts an attempt from this IP and refuses it when the IP or the account is over its limit. */
  async beforeAttempt(email: string, ip: string): Promise<void> {
    const account = await this.perAccount.get(email.toLowerCase());
    if (account && account.remainingPoints <= 0)
      throw new LoginThrottled(account.msBeforeNext / 1000);
    try {
      await this.perIp.consume(ip);
    } catch (res) {
      if (res instanceof RateLimiterRes) throw new LoginThrottled(res.msBeforeNext / 1000);
      throw res;
    }
  }

  async failed(email: string): Promise<void> {
    await this.perAccount.penalty(email.toLowerCase(), 1);
  }

  async succeeded(email: string): Promise<void> {
    await this.perAccount.delete(email.toLowerCase());
  }
}
