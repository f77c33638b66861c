import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { BalanceController } from './balance.controller.js';

@Module({ imports: [AuthModule, LedgerModule], controllers: [BalanceController] })
export class BalanceModule {}
