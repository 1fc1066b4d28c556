import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller.js';
import { PlatformStatsService } from './platform-stats.service.js';

/** Platform admin pages: per-tenant numbers and capacity, never clinical content. */
@Module({ providers: [PlatformStatsService], controllers: [AdminController] })
export class AdminModule {}
