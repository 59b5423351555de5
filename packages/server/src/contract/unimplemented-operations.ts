/**
 * Contract operations (docs/openapi.yaml operationIds) this server does not serve yet. The contract
 * test checks that these and the served routes together are exactly the contract, with no
 * overlap: implement an operation and remove it here in the same change.
 */
export const UNIMPLEMENTED_OPERATIONS: readonly string[] = [
  'listPromotions', // GET /promotions
  'createPromotion', // POST /promotions
  'getPromotion', // GET /promotions/{id}
  'rollbackPromotion', // POST /promotions/{id}/rollback
  'listProductionPointers', // GET /production-pointers
  'resolveProductionPointer', // GET /production-pointers/resolve
  'getProductionPointer', // GET /production-pointers/{id}
  'overrideProductionPointer', // PATCH /production-pointers/{id}
  'listProductionPointerHistory', // GET /production-pointers/{id}/history
  'listReEvals', // GET /monitoring/re-evals
  'createReEval', // POST /monitoring/re-evals
  'getReEval', // GET /monitoring/re-evals/{id}
  'pauseReEval', // POST /monitoring/re-evals/{id}/pause
  'resumeReEval', // POST /monitoring/re-evals/{id}/resume
  'listWebhookEndpoints', // GET /webhook-endpoints
  'createWebhookEndpoint', // POST /webhook-endpoints
  'getWebhookEndpoint', // GET /webhook-endpoints/{id}
  'updateWebhookEndpoint', // PATCH /webhook-endpoints/{id}
  'deleteWebhookEndpoint', // DELETE /webhook-endpoints/{id}
  'rotateWebhookEndpointSecret', // POST /webhook-endpoints/{id}/rotate-secret
  'listWebhookDeliveries', // GET /webhooks/deliveries
  'replayWebhookDeliveries', // POST /webhooks/deliveries/replay
  'getWebhookDelivery', // GET /webhooks/deliveries/{id}
  'redeliverWebhookDelivery', // POST /webhooks/deliveries/{id}/redeliver
  'listAuditEvents', // GET /audit-events
  'getAuditEvent', // GET /audit-events/{id}
];
