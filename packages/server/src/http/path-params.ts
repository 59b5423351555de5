import { isUuid, ValidationError } from '@ftm/core';

/** A UUID path parameter; anything else is a 400 (never reaches SQL). */
export function uuidParam(params: unknown, name = 'id'): string {
  const value = (params as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== 'string' || !isUuid(value)) {
    throw new ValidationError(`${name} must be a UUID`, [{ path: name, message: 'must be a UUID' }]);
  }
  return value.toLowerCase();
}
