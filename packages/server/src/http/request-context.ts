import type { IdempotencyClaim, ServiceContext } from '@ftm/core';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller's context; set by the auth hook on every authenticated route. */
    ctx: ServiceContext;
    /** Set while this request holds an Idempotency-Key, until its response is stored or released. */
    idempotencyClaim: IdempotencyClaim | null;
  }
  interface FastifyContextConfig {
    /**
     * The success response carries a secret that must never be stored: an idempotent replay
     * answers 409 naming the created resource instead of repeating the secret.
     */
    secretOnce?: boolean;
  }
}

export {};
