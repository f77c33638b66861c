import { Module } from '@nestjs/common';

import { LedgerRepository } from './ledger.repository.js';
import { LedgerService } from './ledger.service.js';

/** Needs the global DatabaseModule. Controllers for /api/balance, /api/ledger live with the HTTP layer. */
@Module({
  providers: [LedgerRepository, LedgerService],
  exports: [LedgerService],
})
export class LedgerModule {}
