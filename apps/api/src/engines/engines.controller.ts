import { EngineList } from '@easel/contracts';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/auth.decorators.js';
import { ApiZodResponse } from '../common/validated.decorators.js';
import { EnginesService } from './engines.service.js';

@ApiTags('generations')
@Controller()
@Auth('account')
export class EnginesController {
  constructor(private readonly engines: EnginesService) {}

  @Get('api/engines')
  @ApiOperation({ summary: 'Engines some worker serves now: sizes, modes, samplers, defaults' })
  @ApiZodResponse(200, EngineList)
  async list(): Promise<EngineList> {
    return { data: await this.engines.list() };
  }
}
