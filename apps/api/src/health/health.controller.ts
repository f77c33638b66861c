import { Liveness, Readiness } from '@easel/contracts';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Redis } from 'ioredis';
import { ServiceUnavailableError } from '../common/domain-errors.js';
import { ApiErrors, ApiZodResponse } from '../common/validated.decorators.js';
import { PrismaService } from '../database/index.js';
import { REDIS } from '../redis/redis.module.js';

const CHECK_TIMEOUT_MS = 2_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  @ApiZodResponse(200, Liveness)
  live(): Liveness {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'PostgreSQL and Redis answer; 503 otherwise' })
  @ApiZodResponse(200, Readiness)
  @ApiErrors(503)
  async ready(): Promise<Readiness> {
    const [database, redis] = await Promise.all([up(this.prisma.$queryRaw`SELECT 1`), up(this.redis.ping())]);
    if (!database || !redis) {
      const down = [database ? null : 'PostgreSQL', redis ? null : 'Redis'].filter(Boolean).join(' and ');
      throw new ServiceUnavailableError(`Not ready: ${down} unreachable`);
    }
    return { status: 'ok', checks: { database: 'up', redis: 'up' } };
  }
}

async function up(check: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>(
    (resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)),
  );
  try {
    return await Promise.race([check.then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
