import { Global, Module } from '@nestjs/common';
import { AuditLogService } from './audit-log.service.js';

/** Global: auth, keys and billing record events; operators read them with `npm run audit:log`. */
@Global()
@Module({ providers: [AuditLogService], exports: [AuditLogService] })
export class AuditModule {}
