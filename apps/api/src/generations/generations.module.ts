import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { EnginesModule } from '../engines/engines.module.js';
import { FilesModule } from '../files/files.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { GenerationEvents } from './generation-events.js';
import { GenerationFinalizer } from './generation-finalizer.js';
import { GenerationSettlement } from './generation-settlement.js';
import { GenerationRepository } from './generation.repository.js';
import { GenerationsController } from './generations.controller.js';
import { GenerationsService } from './generations.service.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

/** The native asynchronous API and the service the Stability v1 routes use (export: GenerationsService). */
@Module({
  imports: [AuthModule, LedgerModule, EnginesModule, FilesModule, QueueModule],
  providers: [
    GenerationsService,
    GenerationRepository,
    GenerationSettlement,
    GenerationFinalizer,
    GenerationEvents,
    WebhookDispatcher,
  ],
  controllers: [GenerationsController],
  exports: [GenerationsService, EnginesModule],
})
export class GenerationsModule {}
