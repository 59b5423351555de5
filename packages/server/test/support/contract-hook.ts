/**
 * Every response an app sends in a test, checked against docs/openapi.yaml as it leaves: an
 * onSend hook (installed through `buildApp({ onSend })` by contract-setup.ts for every test file)
 * that records what does not match, so a test file fails when any of its responses broke the
 * contract, whatever the test itself asserted.
 */
import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import { ContractValidator } from './contract-validator.js';

let shared: ContractValidator | undefined;
// One validator per test file, built on the first response: ajv compiles schemas as they are met.
const validator = (): ContractValidator => (shared ??= new ContractValidator());

function bodyText(payload: unknown): string | undefined {
  if (payload === null || payload === undefined) return '';
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  return undefined; // a stream: status and headers are still checked
}

/** The contract's answer on one response (empty when it matches). */
export function checkSentResponse(request: FastifyRequest, reply: FastifyReply, payload: unknown, contract: ContractValidator = validator()): string[] {
  const method = request.method;
  // HEAD mirrors GET and OPTIONS is the CORS preflight; neither is an API operation.
  if (method === 'HEAD' || method === 'OPTIONS') return [];
  const response = { statusCode: reply.statusCode, headers: reply.getHeaders(), body: bodyText(payload) };
  const route = request.routeOptions.url;
  const where = `${method} ${request.url.slice(0, 200)}`;
  if (route === undefined) {
    // No route matched: the not-found (or method-not-allowed) answer, a problem+json like every error.
    if (response.statusCode !== 404 && response.statusCode !== 405) return [`${where}: an unmatched request answered ${response.statusCode}`];
    const type = String(response.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    if (type !== 'application/problem+json') return [`${where}: an unmatched request answered ${type}, not application/problem+json`];
    return response.body === undefined ? [] : contract.checkSchema('Problem', type, response.body).map((p) => `${where}: ${p}`);
  }
  // Routes a test adds of its own (and Swagger UI's assets) are not operations of the contract;
  // contract.test.ts checks that the app serves no route the contract lacks.
  if (!contract.operationIdOf(method, route)) return [];
  return contract.checkResponse(method, route, response).map((p) => `${where}: ${p}`);
}

/** An onSend hook that pushes each contract violation into `violations` and passes the payload on. */
export function contractCheckHook(violations: string[], contract?: ContractValidator): onSendHookHandler {
  return (request, reply, payload, done) => {
    try {
      violations.push(...checkSentResponse(request, reply, payload, contract));
    } catch (err) {
      violations.push(`${request.method} ${request.url}: the contract check failed: ${String(err)}`);
    }
    done(null, payload);
  };
}
