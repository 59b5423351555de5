/** A result with the `X-Request-Id` of the response it came from (objects only). */
export type WithRequestId<T> = T extends object ? T & { readonly requestId?: string | undefined } : T;

/** Reads the request id a response carries. */
export function requestIdOf(response: Response): string | undefined {
  return response.headers.get('x-request-id') ?? undefined;
}

/**
 * Attaches `requestId` to an object result as a non-enumerable property, so it shows up neither in
 * JSON nor in equality checks. Primitives and undefined pass through unchanged.
 */
export function withRequestId<T>(value: T, requestId: string | undefined): WithRequestId<T> {
  if (value !== null && typeof value === 'object' && requestId !== undefined && Object.isExtensible(value)) {
    Object.defineProperty(value, 'requestId', { value: requestId, enumerable: false, configurable: true, writable: false });
  }
  return value as WithRequestId<T>;
}
