import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { GenerationsModule } from '../generations/generations.module.js';
import { StabilityController } from './stability.controller.js';
import { StabilityService } from './stability.service.js';

/** Stability REST v1 compatibility over the native generations service (GenerationsModule exports engines too). */
@Module({
  imports: [AuthModule, GenerationsModule],
  controllers: [StabilityController],
  providers: [StabilityService],
})
export class StabilityModule {}
