import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { CacheService } from '../cache/cache.service.js';
import { LoginThrottled } from './auth.errors.js';

interface Limits {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  blockMinutes: number;
}

/**
 * Sign-in throttling per account and per IP (failed attempts), in Redis so
 * every app process shares the counts (rate-limiter-flexible; memory in embedded mode, and
 * this process's memory while Redis is down).
 */
export class LoginThrottle {
  private readonly perAccount: RateLimiterAbstract;
  private readonly perIp: RateLimiterAbstract;

  constructor(cache: CacheService, limits: Limits) {
    const make = (name: string, points: number) =>
      cache.rateLimiter({
        name: ['throttle', name],
        points,
        durationSeconds: limits.blockMinutes * 60,
        // While Redis is away each process counts failures itself: sign-in keeps its limit.
        memoryFallback: true,
      });
    this.perAccount = make('login-fail-account', limits.maxFailuresPerAccount);
    this.perIp = make('login-fail-ip', limits.maxFailuresPerIp);
  }

  /**
   * Refuses the attempt while the account or the IP is over its limit of failures. Only
   * failures count: a clinic's whole front desk often signs in from one address.
   */
  async beforeAttempt(email: string, ip: string): Promise<void> {
    const [account, address] = await Promise.all([
      this.perAccount.get(email.toLowerCase()),
      this.perIp.get(ip),
    ]);
    const blocked = [account, address].filter(
      (r): r is RateLimiterRes => r !== null && r.remainingPoints <= 0,
    );
    if (blocked.length)
      throw new LoginThrottled(Math.max(...blocked.map((r) => r.msBeforeNext)) / 1000);
  }

  async failed(email: string, ip: string): Promise<void> {
    await Promise.all([this.perAccount.penalty(email.toLowerCase(), 1), this.perIp.penalty(ip, 1)]);
  }

  async succeeded(email: string): Promise<void> {
    await this.perAccount.delete(email.toLowerCase());
  }
}
