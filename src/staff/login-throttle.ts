import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { CacheService } from '../cache/cache.service.js';
import { LoginThrottled } from './auth.errors.js';

interface Limits {
  maxFailuresPerAccountAndIp: number;
  maxFailuresPerIp: number;
  blockMinutes: number;
  maxFailuresPerAccount: number;
  accountWindowHours: number;
}

/**
 * Sign-in throttling on failed attempts, in Redis so every app process shares the counts
 * (rate-limiter-flexible; memory in embedded mode, and this process's memory while Redis is
 * down). Three counters:
 * - per account and address (5 in 15 minutes): stops guessing from one place without
 *   letting a stranger lock someone out, since the owner signs in from another address;
 * - per address (50 in 15 minutes), across accounts;
 * - per account from anywhere, slowly (100 a day): a distributed guess still ends.
 * Unknown emails count like known ones, so the answers never tell which exist.
 */
export class LoginThrottle {
  private readonly perAccountAndIp: RateLimiterAbstract;
  private readonly perIp: RateLimiterAbstract;
  private readonly perAccount: RateLimiterAbstract;

  constructor(cache: CacheService, limits: Limits) {
    const make = (name: string, points: number, durationSeconds: number) =>
      cache.rateLimiter({
        name: ['throttle', name],
        points,
        durationSeconds,
        // While Redis is away each process counts failures itself: sign-in keeps its limit.
        memoryFallback: true,
      });
    const block = limits.blockMinutes * 60;
    this.perAccountAndIp = make('login-fail-account-ip', limits.maxFailuresPerAccountAndIp, block);
    this.perIp = make('login-fail-ip', limits.maxFailuresPerIp, block);
    this.perAccount = make(
      'login-fail-account-day',
      limits.maxFailuresPerAccount,
      limits.accountWindowHours * 3600,
    );
  }

  /**
   * Refuses the attempt while any counter is over its limit. Only failures count: a clinic's
   * whole front desk often signs in from one address.
   */
  async beforeAttempt(email: string, ip: string): Promise<void> {
    const results = await Promise.all([
      this.perAccountAndIp.get(pairKey(email, ip)),
      this.perIp.get(ip),
      this.perAccount.get(email.toLowerCase()),
    ]);
    const blocked = results.filter(
      (r): r is RateLimiterRes => r !== null && r.remainingPoints <= 0,
    );
    if (blocked.length)
      throw new LoginThrottled(Math.max(...blocked.map((r) => r.msBeforeNext)) / 1000);
  }

  async failed(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.perAccountAndIp.penalty(pairKey(email, ip), 1),
      this.perIp.penalty(ip, 1),
      this.perAccount.penalty(email.toLowerCase(), 1),
    ]);
  }

  /** The owner got in from here: this address starts afresh (a distributed guess does not). */
  async succeeded(email: string, ip: string): Promise<void> {
    await this.perAccountAndIp.delete(pairKey(email, ip));
  }
}

const pairKey = (email: string, ip: string) => `${email.toLowerCase()}|${ip}`;
