import { Global, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { LOG, SESSION_SECRET } from '../core.module.js';
import { TenantDb } from '../database/tenant-db.js';
import { Translator } from '../i18n/i18n.js';
import { JobQueue } from './job-queue.js';
import { Mailer } from './mailer.js';
import { MessageDelivery } from './message-delivery.js';
import { MessageLinks } from './message-links.js';
import { MessageRelay } from './message-relay.js';
import { MessageRenderer } from './message-renderer.js';
import { OwnerMessages } from './owner-messages.service.js';

/**
 * Messages to pet owners: OwnerMessages (queue a message in the caller's transaction), the
 * relay to pg-boss, the worker that renders and sends, and the unsubscribe link. Global, so
 * appointment, record and the online booking use OwnerMessages without import cycles.
 */
@Global()
@Module({
  providers: [
    OwnerMessages,
    MessageRelay,
    {
      provide: MessageRenderer,
      useFactory: (i18n: Translator) => new MessageRenderer(i18n),
      inject: [Translator],
    },
    {
      provide: MessageLinks,
      useFactory: (config: AppConfig, secret: string) => new MessageLinks(config, secret),
      inject: [APP_CONFIG, SESSION_SECRET],
    },
    {
      provide: MessageDelivery,
      useFactory: (
        db: TenantDb,
        mailer: Mailer,
        renderer: MessageRenderer,
        links: MessageLinks,
        i18n: Translator,
        log: Logger,
      ) => new MessageDelivery({ db, mailer, renderer, links, i18n, log }),
      inject: [TenantDb, Mailer, MessageRenderer, MessageLinks, Translator, LOG],
    },
  ],
  exports: [OwnerMessages, MessageLinks, MessageRelay],
})
export class MessageModule implements OnApplicationBootstrap {
  constructor(
    private readonly queue: JobQueue,
    private readonly delivery: MessageDelivery,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.work((job) => this.delivery.deliver(job));
  }
}
