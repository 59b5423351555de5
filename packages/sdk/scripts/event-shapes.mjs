// The webhook catalogue of docs/openapi.yaml (`webhooks:`) as the generator needs it: each event
// type with its body schema, and a small runtime description of the body's shape (required keys
// and their JSON types, two levels deep) that `verify()` checks instead of casting.

/** `[{ type, schema }]` for every webhook of the contract whose body is a `$ref`ed schema. */
export function webhookBodies(spec) {
  const out = [];
  for (const [name, hook] of Object.entries(spec.webhooks ?? {})) {
    const ref = hook?.post?.requestBody?.content?.['application/json']?.schema?.$ref;
    if (typeof ref !== 'string') continue;
    const schema = ref.split('/').pop();
    const body = spec.components.schemas[schema];
    const type = body?.properties?.type?.const ?? body?.properties?.type?.enum?.[0] ?? name;
    out.push({ type, schema });
  }
  return out;
}

function resolve(spec, node) {
  let current = node;
  for (let i = 0; i < 20 && current && typeof current.$ref === 'string'; i++) {
    current = spec.components.schemas[current.$ref.split('/').pop()];
  }
  return current;
}

/** JSON types a value of this schema may have (`object`, `string`, `null`, …), or undefined for any. */
function jsonTypes(spec, node, depth = 0) {
  const schema = resolve(spec, node);
  if (!schema || typeof schema !== 'object' || depth > 10) return undefined;
  if (schema.const !== undefined) return [schema.const === null ? 'null' : Array.isArray(schema.const) ? 'array' : typeof schema.const];
  if (schema.type !== undefined) {
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).map((t) => (t === 'integer' ? 'number' : t));
    return [...new Set(types)].sort();
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(alternatives)) {
    const all = alternatives.map((a) => jsonTypes(spec, a, depth + 1));
    if (all.some((t) => t === undefined)) return undefined;
    return [...new Set(all.flat())].sort();
  }
  if (schema.properties) return ['object'];
  return undefined;
}

/** `{ key: types }` for the required properties of an object schema; undefined when none. */
function requiredShape(spec, node) {
  const schema = resolve(spec, node);
  if (!schema?.properties || !Array.isArray(schema.required)) return undefined;
  const out = {};
  for (const key of schema.required) out[key] = jsonTypes(spec, schema.properties[key]) ?? null;
  return out;
}

/**
 * For each webhook type: the required keys of the body with their JSON types, and the same for
 * its `data` object. `null` stands for "any JSON value".
 */
export function eventShapes(spec) {
  const out = {};
  for (const { type, schema } of webhookBodies(spec)) {
    const body = spec.components.schemas[schema];
    out[type] = { body: requiredShape(spec, body) ?? {}, data: requiredShape(spec, body?.properties?.data) ?? {} };
  }
  return out;
}
