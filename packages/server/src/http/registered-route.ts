/** A route as registered, for the contract test. */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}
