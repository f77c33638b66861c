import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { EnginesController } from './engines.controller.js';
import { EnginesService } from './engines.service.js';

@Module({
  imports: [AuthModule],
  providers: [EnginesService],
  controllers: [EnginesController],
  exports: [EnginesService],
})
export class EnginesModule {}
