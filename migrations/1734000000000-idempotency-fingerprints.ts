import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An API `Idempotency-Key` names one request: what that request asked (method, path and
 * body, hashed) is kept with the key, so the same key sent with a different body is refused
 * (422 `idempotency_key_reused`) instead of answering with the first, unrelated result.
 */
export class IdempotencyFingerprints1734000000000 implements MigrationInterface {
  name = 'IdempotencyFingerprints1734000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table idempotency_keys add column fingerprint text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table idempotency_keys drop column fingerprint`);
  }
}
