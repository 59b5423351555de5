import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import { exceedsJsonDepth, findUnstorableText, MAX_JSON_DEPTH, unstorableText, ValidationError, type FieldError } from '@ftm/core';
import { toOpenApiPath, type OpenApiDocument } from '../contract/load-contract.js';

/**
 * The input rules every request meets before any route sees it, in one place: JSON bodies nest at
 * most MAX_JSON_DEPTH deep, no string of a body, a query or a header holds NUL or an unpaired
 * surrogate (PostgreSQL cannot store the one, UTF-8 cannot carry the other), and a query names
 * only the parameters the contract gives its operation. A refusal is a 400 naming the field, and
 * it happens before the Idempotency-Key is claimed or anything is written.
 */

/** The `application/json` parser: empty is "no body", too deep or unstorable text is a 400. */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    // Bodies of `application/json` with nothing in them (POST …/approve from some clients) are "no body".
    if (text.trim() === '') return done(null, undefined);
    if (exceedsJsonDepth(text, MAX_JSON_DEPTH)) {
      return done(new ValidationError(`the request body nests deeper than ${MAX_JSON_DEPTH} levels`, [{ path: '', message: `objects and arrays may nest at most ${MAX_JSON_DEPTH} deep` }]));
    }
    return defaultJson(request, text, (error, parsed) => {
      if (error) return done(error);
      const bad = findUnstorableText(parsed);
      if (bad) return done(new ValidationError(`${bad.path || 'the request body'} ${bad.message}`, [bad]));
      return done(null, parsed);
    });
  });
}

type QueryNames = ReadonlySet<string> | null;

/** The query parameter names the contract gives each operation (`GET /datasets` → {limit, cursor, …}). */
function contractQueryNames(contract: OpenApiDocument): Map<string, ReadonlySet<string>> {
  const components = ((contract.components as Record<string, unknown> | undefined)?.parameters ?? {}) as Record<string, { in?: string; name?: string }>;
  const resolve = (p: { $ref?: string; in?: string; name?: string }) => (p.$ref ? (components[p.$ref.split('/').pop()!] ?? {}) : p);
  const names = new Map<string, ReadonlySet<string>>();
  for (const [path, item] of Object.entries(contract.paths)) {
    const shared = (item.parameters ?? []) as { $ref?: string }[];
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters' || typeof op !== 'object' || op === null) continue;
      const params = [...shared, ...(((op as { parameters?: unknown[] }).parameters ?? []) as { $ref?: string }[])].map(resolve);
      names.set(`${method.toUpperCase()} ${path}`, new Set(params.filter((p) => p.in === 'query').map((p) => p.name!)));
    }
  }
  return names;
}

/**
 * Percent-encoded bytes that are not UTF-8 (a lone surrogate arrives as `%ED%A0%80`) are decoded
 * to U+FFFD by the query parser, silently; the raw query is checked so they are refused instead.
 */
function checkRawQuery(url: string, errors: FieldError[]): void {
  const at = url.indexOf('?');
  if (at < 0 || !url.includes('%', at)) return;
  for (const pair of url.slice(at + 1).split('&')) {
    const [rawName = '', rawValue = ''] = pair.split('=', 2);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      errors.push({ path: name === rawName && rawName.includes('%') ? 'query' : name, message: 'is not valid percent-encoded UTF-8 (an unpaired surrogate or a stray byte)' });
    }
  }
}

function checkStrings(url: string, query: unknown, headers: FastifyRequest['headers'], allowed: QueryNames): FieldError[] {
  const errors: FieldError[] = [];
  checkRawQuery(url, errors);
  if (query && typeof query === 'object') {
    for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
      const nameWhy = unstorableText(name);
      if (nameWhy) {
        errors.push({ path: 'query', message: `a parameter name ${nameWhy}` });
        continue;
      }
      if (allowed && !allowed.has(name)) errors.push({ path: name, message: 'unknown query parameter' });
      for (const v of [value].flat()) {
        const why = typeof v === 'string' ? unstorableText(v) : null;
        if (why) errors.push({ path: name, message: why });
      }
    }
  }
  for (const [name, value] of Object.entries(headers)) {
    for (const v of [value].flat()) {
      const why = typeof v === 'string' ? unstorableText(v) : null;
      if (why) errors.push({ path: name, message: `header ${why}` });
    }
  }
  return errors;
}

/**
 * Adds the query and header rules to every route as it is registered: each route gets the
 * contract's query names for its operation (routes outside the contract, such as /docs or OTLP,
 * keep only the string rules).
 */
export function registerEdgeInputRules(app: FastifyInstance, contract: OpenApiDocument): void {
  const queryNames = contractQueryNames(contract);
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = [route.method].flat().map((m) => (m === 'HEAD' ? 'GET' : m));
    const path = toOpenApiPath(route.url);
    const allowed = methods.map((m) => queryNames.get(`${m} ${path}`)).find((s) => s !== undefined) ?? null;
    const rule = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
      const errors = checkStrings(request.url, request.query, request.headers, allowed);
      if (errors.length === 0) return done();
      done(new ValidationError(`the request is not valid: ${errors[0]!.path} ${errors[0]!.message}`, errors));
    };
    route.preValidation = [rule, ...[route.preValidation ?? []].flat()];
  });
}
