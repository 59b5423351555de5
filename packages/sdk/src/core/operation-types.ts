import type { operations } from '../generated/openapi.js';
import type { operations as requestOperations } from '../generated/request-types.js';

/** Every operationId of the contract. */
export type OperationId = keyof operations;

type Parameters<K extends OperationId> = operations[K]['parameters'];

/** Query parameters of an operation (an empty object type when it has none). */
export type QueryParams<K extends OperationId> = Parameters<K> extends { query?: infer Q } ? ([Q] extends [never] ? {} : NonNullable<Q>) : {};

/**
 * Query parameters of a list operation. `cursor` (a page's `nextCursor`, kept from an earlier call)
 * starts the listing at that page; the following pages' cursors are handled by the page.
 */
export type ListParams<K extends OperationId> = QueryParams<K>;

/** JSON request body of an operation, as a request may send it (fields with a default optional). */
export type JsonBody<K extends OperationId> = K extends keyof requestOperations ? (requestOperations[K] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never) : never;

type Responses<K extends OperationId> = operations[K]['responses'];

/** JSON body of the success response (200 or 201) of an operation. */
export type JsonResponse<K extends OperationId> =
  Responses<K> extends { 200: { content: { 'application/json': infer T } } } ? T : Responses<K> extends { 201: { content: { 'application/json': infer T } } } ? T : undefined;

/** Item type of a list operation. */
export type ListItem<K extends OperationId> = JsonResponse<K> extends { data: readonly (infer I)[] } ? I : never;
