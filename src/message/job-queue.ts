import { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { MailConfig } from '../config/config.js';

/** The queue of owner messages: one pg-boss job per message row, its id the row's. */
export const MESSAGE_QUEUE = 'owner-message';

export interface MessageJob {
  tenantId: string;
  messageId: string;
}

/** What the platform admin sees of the queue. */
export interface QueueCounts {
  queued: number;
  active: number;
  failed: number;
  done: number;
}

export type MessageWorker = (
  job: MessageJob & { attempt: number; lastAttempt: boolean },
) => Promise<void>;

/**
 * The one door to pg-boss (the durable job queue in PostgreSQL, schema `pgboss`).
 *
 * It runs on the owner's direct connection, not through pgBouncer: pg-boss installs and
 * migrates its own schema at start (DDL, which is the owner's, as our migrations are), and
 * the queue tables then stay out of the runtime role's reach, so no request can touch them.
 * It keeps a small pool of its own (3 connections per process). Jobs are not written in the
 * caller's transaction by pg-boss: the caller writes a tenant-scoped `owner_messages` row
 * (RLS, exported, audited) and the relay hands due rows to pg-boss with the row's id as the
 * job id, so two relays hand over each row once.
 */
export class JobQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly config: MailConfig,
  ) {}

  static async start(opts: { url: string; config: MailConfig; log: Logger }): Promise<JobQueue> {
    const boss = new PgBoss({
      connectionString: opts.url,
      max: 3,
      application_name: 'vetlane-queue',
      schedule: false,
    });
    boss.on('error', (err) => opts.log.warn({ err }, 'job queue error'));
    await boss.start();
    const { retryLimit, retryDelaySeconds } = opts.config;
    const policy = {
      retryLimit,
      retryDelay: retryDelaySeconds,
      retryBackoff: true,
      retryDelayMax: 6 * 3600,
      expireInSeconds: 300,
    };
    // Two processes starting together both try to create it: the second finds it there.
    if (!(await boss.getQueue(MESSAGE_QUEUE)))
      await boss.createQueue(MESSAGE_QUEUE, policy).catch(async (err) => {
        if (!(await boss.getQueue(MESSAGE_QUEUE))) throw err;
      });
    else await boss.updateQueue(MESSAGE_QUEUE, policy);
    return new JobQueue(boss, opts.config);
  }

  /**
   * Hands messages to the queue, each to run at its `startAfter`, in one statement; one
   * already handed over is left as it is (its job id is the message's).
   */
  async send(jobs: { job: MessageJob; startAfter: Date }[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.boss.insert(
      MESSAGE_QUEUE,
      jobs.map(({ job, startAfter }) => ({ id: job.messageId, data: job, startAfter })),
    );
  }

  async work(worker: MessageWorker): Promise<void> {
    await this.boss.work<MessageJob>(
      MESSAGE_QUEUE,
      { pollingIntervalSeconds: this.config.pollSeconds, batchSize: 1 },
      async ([job]) => {
        await worker({
          ...job.data,
          attempt: job.retryCount,
          lastAttempt: job.retryCount >= this.config.retryLimit,
        });
      },
    );
  }

  /**
   * Jobs by state, counted now (pg-boss's own queue counts are refreshed by its monitor, up
   * to a minute late). Done jobs are kept 7 days (pg-boss's deleteAfterSeconds), so `done`
   * is about the last week's.
   */
  async counts(): Promise<QueueCounts> {
    const { rows } = await this.boss
      .getDb()
      .executeSql(
        `select state, count(*)::int as n from pgboss.job where name = $1 group by state`,
        [MESSAGE_QUEUE],
      );
    const n = (...states: string[]) =>
      (rows as { state: string; n: number }[])
        .filter((r) => states.includes(r.state))
        .reduce((sum, r) => sum + r.n, 0);
    return {
      queued: n('created', 'retry'),
      active: n('active'),
      failed: n('failed'),
      done: n('completed'),
    };
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 5000 });
  }
}
