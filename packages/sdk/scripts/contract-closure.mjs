// Which parts of docs/openapi.yaml requests use and which responses use, so the generator can give
// request bodies their own types (defaulted fields optional) without touching the response types.
// Everything is computed from the contract as it stands; nothing here names a schema.

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every operation of the contract as `{ path, method, operation }`. */
export function operationsOf(spec) {
  const out = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item?.[method];
      if (operation?.operationId) out.push({ path, method, operation });
    }
  }
  return out;
}

/** `['schemas', 'Grader']` for `#/components/schemas/Grader`; undefined for any other ref. */
function componentOf(ref) {
  const match = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
  return match ? [match[1], decodeURIComponent(match[2])] : undefined;
}

/** Adds every component `node` refers to, directly or through other components, to `seen`. */
function collect(spec, node, seen) {
  if (Array.isArray(node)) {
    for (const item of node) collect(spec, item, seen);
    return seen;
  }
  if (!node || typeof node !== 'object') return seen;
  if (typeof node.$ref === 'string') {
    const component = componentOf(node.$ref);
    const key = component?.join('/');
    if (component && !seen.has(key)) {
      seen.add(key);
      collect(spec, spec.components?.[component[0]]?.[component[1]], seen);
    }
  }
  for (const value of Object.values(node)) collect(spec, value, seen);
  return seen;
}

/** Components reached from request bodies, and from everything else (responses, parameters, webhooks). */
export function closures(spec) {
  const request = new Set();
  const response = new Set();
  for (const { operation } of operationsOf(spec)) {
    collect(spec, operation.requestBody, request);
    const { requestBody: _body, ...rest } = operation;
    collect(spec, rest, response);
  }
  for (const item of Object.values(spec.paths ?? {})) collect(spec, item?.parameters, response);
  collect(spec, spec.webhooks, response);
  const names = (set) => new Set([...set].filter((key) => key.startsWith('schemas/')).map((key) => key.slice('schemas/'.length)));
  return { request, requestSchemas: names(request), responseSchemas: names(response) };
}

/** True when a schema, or any schema it refers to, has a property with a default value. */
export function hasDefaults(spec, name) {
  const seen = collect(spec, { $ref: `#/components/schemas/${encodeURIComponent(name)}` }, new Set());
  return [...seen].some((key) => {
    const [kind, component] = key.split('/');
    return kind === 'schemas' && containsDefault(spec.components.schemas[component]);
  });
}

function containsDefault(node) {
  if (Array.isArray(node)) return node.some(containsDefault);
  if (!node || typeof node !== 'object') return false;
  if (node.properties && Object.values(node.properties).some((p) => p && typeof p === 'object' && p.default !== undefined)) return true;
  return Object.entries(node).some(([key, value]) => key !== 'default' && key !== 'example' && key !== 'examples' && containsDefault(value));
}

/**
 * The contract cut down to what request bodies use: each operation keeps only its request body,
 * and only the components those bodies reach remain. Generating it with `defaultNonNullable: false`
 * gives the types a request may send.
 */
export function requestDocument(spec) {
  const { request } = closures(spec);
  const paths = {};
  for (const { path, method, operation } of operationsOf(spec)) {
    if (!operation.requestBody) continue;
    paths[path] ??= {};
    paths[path][method] = {
      operationId: operation.operationId,
      requestBody: operation.requestBody,
      responses: { default: { description: 'Not part of the request types.' } },
    };
  }
  const components = {};
  for (const key of request) {
    const [kind, name] = key.split('/');
    components[kind] ??= {};
    components[kind][name] = spec.components[kind][name];
  }
  return { openapi: spec.openapi, info: spec.info, paths, components };
}
