/** Friendly names for the contract's schemas (`FtJob`, `Dataset`, …) and operation helpers. */
export type * from './generated/schemas.js';
export type { paths, operations, components } from './generated/openapi.js';
export type { OperationId, QueryParams, ListParams, JsonBody, JsonResponse, ListItem } from './core/operation-types.js';
