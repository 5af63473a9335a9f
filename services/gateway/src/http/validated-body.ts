import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DomainError, describeValidationErrors } from '@crm/contracts';

/**
 * Validate an HTTP JSON body against a DTO: unknown properties (a `tenantId`, anything else) are rejected,
 * so a client cannot smuggle fields into the RPC payloads built from it. Failures are VALIDATION (400).
 */
export function parseHttpBody<T extends object>(cls: ClassConstructor<T>, plain: unknown): T {
  const body = plain === undefined || plain === null ? {} : plain;
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new DomainError('VALIDATION', 'body must be a JSON object');
  }
  const instance = plainToInstance(cls, body, { enableImplicitConversion: false });
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  if (errors.length > 0) {
    throw new DomainError('VALIDATION', describeValidationErrors(errors), {
      fields: errors.map((error) => error.property),
    });
  }
  return instance;
}

/**
 * `@ValidBody(Dto)`: the request body parsed with `parseHttpBody`. (A custom decorator on purpose: the global
 * RPC validation pipe skips custom decorators, so it cannot strip unknown fields before they are rejected here.)
 * Pair it with `@ApiBody({ type: Dto })` for the OpenAPI document.
 */
export const ValidBody = createParamDecorator(
  (cls: ClassConstructor<object>, context: ExecutionContext): object =>
    parseHttpBody(cls, context.switchToHttp().getRequest<{ body?: unknown }>().body),
);
