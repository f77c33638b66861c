import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../common/domain-errors.js';
import { ApiErrors } from '../common/validated.decorators.js';
import { AUTH_MODE, type AuthMode } from './auth-mode.js';
import { AuthGuard } from './auth.guard.js';
import type { Principal } from './principal.js';

/** Requires authentication of the given kind (see AuthMode). */
export function Auth(mode: AuthMode): MethodDecorator & ClassDecorator {
  const schemes = mode === 'jwt' ? ['jwt'] : mode === 'api-key' ? ['api-key'] : ['jwt', 'api-key'];
  return applyDecorators(
    SetMetadata(AUTH_MODE, mode),
    UseGuards(AuthGuard),
    ...schemes.map((scheme) => ApiBearerAuth(scheme)),
    ApiErrors(401, 403, 429),
  );
}

/** The authenticated caller. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
    if (!principal) throw new UnauthorizedError('Not authenticated');
    return principal;
  },
);
