/** How an attempt ended for its delivery. */
export type AttemptResult =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'dead_letter' }
  | { readonly kind: 'gone' }
  /** Another attempt or an operator changed the delivery meanwhile: only the attempt row was written. */
  | { readonly kind: 'superseded' };
