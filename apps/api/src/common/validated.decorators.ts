import { ErrorBody } from '@easel/contracts';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBody, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { z } from 'zod';
import { openApiSchema } from '../openapi/zod-schemas.js';
import { ZodValidationPipe } from './zod-validation.pipe.js';

type MethodDecorator = (target: object, key: string | symbol, descriptor: PropertyDescriptor) => void;

function describeMethod(target: object, key: string | symbol | undefined, decorator: MethodDecorator): void {
  if (key === undefined) return;
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor) decorator(target, key, descriptor);
}

// Custom parameter decorators rather than @Body/@Query/@Param: Swagger then documents only what the zod schemas say.
const RequestPart = createParamDecorator(
  (part: 'body' | 'query' | 'params', context: ExecutionContext): unknown => {
    return context.switchToHttp().getRequest<FastifyRequest>()[part];
  },
);
const PathParam = createParamDecorator((name: string, context: ExecutionContext): unknown => {
  return (context.switchToHttp().getRequest<FastifyRequest>().params as Record<string, string>)[name];
});

/** `@ValidBody(Schema)`: validates the JSON body with the contracts schema and documents it. */
export function ValidBody(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    RequestPart('body', new ZodValidationPipe(schema, 'body'))(target, key, index);
    describeMethod(target, key, ApiBody({ schema: openApiSchema(schema) }));
  };
}

/** `@ValidQuery(Schema)`: validates the whole query string (unknown parameters rejected) and documents each one. */
export function ValidQuery(schema: z.ZodObject<Record<string, z.ZodType>>): ParameterDecorator {
  return (target, key, index) => {
    RequestPart('query', new ZodValidationPipe(schema, 'query'))(target, key, index);
    for (const [name, field] of Object.entries(schema.shape)) {
      const optional = field.safeParse(undefined).success;
      describeMethod(target, key, ApiQuery({ name, required: !optional, schema: openApiSchema(field) }));
    }
  };
}

/** `@ValidParam('id', Schema)`: one path parameter. */
export function ValidParam(name: string, schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    PathParam(name, new ZodValidationPipe(schema, 'path'))(target, key, index);
    describeMethod(target, key, ApiParam({ name, schema: openApiSchema(schema) }));
  };
}

/** Documents a success response with a contracts schema. */
export function ApiZodResponse(status: number, schema: z.ZodType, description = 'OK'): MethodDecorator {
  return ApiResponse({ status, description, schema: openApiSchema(schema) });
}

/** Documents error responses with the shared error body. */
export function ApiErrors(...statuses: number[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const status of statuses) {
      ApiResponse({ status, description: 'Error', schema: openApiSchema(ErrorBody) })(
        target,
        key,
        descriptor,
      );
    }
  };
}
