/**
 * Contract operations (docs/openapi.yaml operationIds) this server does not serve yet. The contract
 * test checks that these and the served routes together are exactly the contract, with no
 * overlap: implement an operation and remove it here in the same change.
 */
export const UNIMPLEMENTED_OPERATIONS: readonly string[] = [];
