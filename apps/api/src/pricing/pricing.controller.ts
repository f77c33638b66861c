import { PricingQuote, PricingQuoteQuery, quoteCredits } from '@easel/contracts';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiZodResponse, ValidQuery } from '../common/validated.decorators.js';

@ApiTags('pricing')
@Controller('api/pricing')
export class PricingController {
  @Get('quote')
  @ApiOperation({
    summary:
      'Credits a generation of this size, step count and sample (or interpolation frame) count costs: exactly what it is charged (public)',
  })
  @ApiZodResponse(200, PricingQuote)
  @ApiErrors(400)
  quote(@ValidQuery(PricingQuoteQuery) query: PricingQuoteQuery): PricingQuote {
    return { credits: quoteCredits(query) };
  }
}
