import { Module } from '@nestjs/common';
import { ApiTokenGuard } from './api-token.guard.js';
import { ApiTokenService } from './api-token.service.js';
import { ApiTokensController } from './api-tokens.controller.js';

/** API tokens (the managers' page) and the guard every /api/v1 controller uses. */
@Module({
  providers: [ApiTokenService, ApiTokenGuard],
  controllers: [ApiTokensController],
  exports: [ApiTokenService, ApiTokenGuard],
})
export class ApiAuthModule {}
