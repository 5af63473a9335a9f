import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { DomainError } from './errors';

import type { ClassConstructor } from 'class-transformer';
type Constructor<T> = ClassConstructor<T>;

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {});
    return [
      ...own.map((message) =>
        message.startsWith(error.property)
          ? `${parent ? parent + '.' : ''}${message}`
          : `${path}: ${message}`,
      ),
      ...flatten(error.children ?? [], path),
    ];
  });
}

/**
 * Validate a received payload (NATS message, JetStream event) against its contract class.
 * Unknown properties are stripped; a failure is a `DomainError('VALIDATION')` naming every bad field.
 */
export function parsePayload<T extends object>(cls: Constructor<T>, plain: unknown): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new DomainError('VALIDATION', 'payload must be a JSON object');
  }
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false }) as T;
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new DomainError('VALIDATION', flatten(errors).join('; '), {
      fields: errors.map((e) => e.property),
    });
  }
  return instance;
}

export function describeValidationErrors(errors: ValidationError[]): string {
  return flatten(errors).join('; ');
}
