import { Global, Module } from '@nestjs/common';
import { GenerationQueues } from './generation-queues.js';

/** BullMQ queues of generation work (one per engine) and their events; global so any module can enqueue. */
@Global()
@Module({ providers: [GenerationQueues], exports: [GenerationQueues] })
export class QueueModule {}
