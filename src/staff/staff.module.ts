import { Module } from '@nestjs/common';
import { CacheService } from '../cache/cache.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordService } from './password.service.js';
import { StaffService } from './staff.service.js';
import { UserService } from './user.service.js';

/** Staff, users and sign-in. */
@Module({
  providers: [
    AuthService,
    PasswordService,
    StaffService,
    UserService,
    {
      provide: LoginThrottle,
      inject: [CacheService, APP_CONFIG],
      useFactory: (cache: CacheService, config: AppConfig) =>
        new LoginThrottle(cache, config.loginThrottle),
    },
  ],
  controllers: [AuthController],
  exports: [StaffService, UserService, PasswordService],
})
export class StaffModule {}
