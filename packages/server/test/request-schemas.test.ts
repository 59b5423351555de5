import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as core from '@ftm/core';
import { loadContract } from '../src/contract/load-contract.js';

/**
 * The request bodies of docs/openapi.yaml against the zod schemas in @ftm/core that parse them
 * (zod 4 emits JSON Schema): the same property names, the same required ones, the same enums and
 * the same closed objects, at every depth, branch by branch in unions. Lengths, patterns and
 * formats are not compared (the contract may state them looser or not at all).
 */
const BODIES: Readonly<Record<string, string>> = {
  CreateProjectRequest: 'CreateProjectInput',
  CreateTenantRequest: 'CreateTenantInput',
  CreateApiKeyRequest: 'CreateApiKeyInput',
  CreateModelVersionRequest: 'CreateModelVersionInput',
  CreateDatasetRequest: 'CreateDatasetInput',
  CreateEvalSuiteRequest: 'CreateEvalSuiteInput',
  CreateEvalSuiteVersionRequest: 'CreateEvalSuiteVersionInput',
  CreateEvalRunRequest: 'CreateEvalRunInput',
  CreateFtJobRequest: 'CreateFtJobInput',
  RetargetFtJobRequest: 'RetargetFtJobInput',
  DecideApprovalRequest: 'DecideApprovalInput',
  CreatePromotionRequest: 'CreatePromotionInput',
  RollbackPromotionRequest: 'RollbackPromotionInput',
  OverrideProductionPointerRequest: 'OverridePointerInput',
  CreateReEvalRequest: 'CreateReEvalInput',
  CreateWebhookEndpointRequest: 'CreateWebhookEndpointInput',
  UpdateWebhookEndpointRequest: 'UpdateWebhookEndpointInput',
  RotateWebhookSecretRequest: 'RotateWebhookSecretInput',
  ReplayWebhookDeliveriesRequest: 'ReplayWebhookDeliveriesInput',
  SetProviderCredentialRequest: 'SetProviderCredentialInput',
  SetLangfuseCredentialRequest: 'SetLangfuseCredentialInput',
};

type Schema = Record<string, unknown>;
const contract = loadContract() as Schema;

function deref(root: Schema, node: Schema): Schema {
  let n = node;
  for (let i = 0; typeof n.$ref === 'string' && i < 20; i += 1) {
    let target: unknown = root;
    for (const part of (n.$ref as string).replace(/^#\//, '').split('/')) target = (target as Schema)[part];
    n = { ...(target as Schema), ...Object.fromEntries(Object.entries(n).filter(([k]) => k !== '$ref')) };
  }
  return n;
}

const isNull = (s: Schema) => s.type === 'null';

/** The schema with $refs followed, nested unions flattened, null branches and null types dropped, single-branch unions unwrapped. */
function norm(root: Schema, node: Schema): Schema {
  let n = deref(root, node);
  const union = (n.oneOf ?? n.anyOf) as Schema[] | undefined;
  if (union) {
    // A union of unions is one union: `a | (b | c)` is `a | b | c`.
    const branches = union
      .map((b) => norm(root, b))
      .flatMap((b) => (b.oneOf && !b.properties ? (b.oneOf as Schema[]) : [b]))
      .filter((b) => !isNull(b));
    if (branches.length === 1 && !n.properties) return branches[0]!;
    n = { ...n, oneOf: branches, anyOf: undefined };
  }
  if (Array.isArray(n.type)) n = { ...n, type: n.type.filter((t) => t !== 'null') };
  if (Array.isArray(n.enum)) n = { ...n, enum: n.enum.filter((v) => v !== null) };
  return n;
}

const enumOf = (s: Schema): unknown[] | undefined => (Array.isArray(s.enum) ? s.enum : 'const' in s ? [s.const] : undefined);
const sorted = (xs: unknown[] | undefined) => [...(xs ?? [])].map(String).sort();
const discriminant = (s: Schema): string | undefined => {
  const t = (s.properties as Record<string, Schema> | undefined)?.type;
  const v = t ? (enumOf(t) ?? []) : [];
  return v.length === 1 ? String(v[0]) : undefined;
};

function compare(c: Schema, zs: Schema, zRoot: Schema, path: string, out: string[], depth = 0): void {
  if (depth > 12) return;
  const cn = norm(contract, c);
  const zn = norm(zRoot, zs);
  const ce = enumOf(cn);
  const ze = enumOf(zn);
  if (ce && ze && sorted(ce).join('|') !== sorted(ze).join('|')) out.push(`${path}: enum ${sorted(ce).join(',')} in the contract, ${sorted(ze).join(',')} in zod`);
  if (ce && !ze && zn.type === 'string') out.push(`${path}: the contract restricts to ${sorted(ce).join(',')}, zod takes any string`);
  if (!ce && ze && cn.type === 'string') out.push(`${path}: zod restricts to ${sorted(ze).join(',')}, the contract documents any string`);
  const cu = cn.oneOf as Schema[] | undefined;
  const zu = zn.oneOf as Schema[] | undefined;
  if (cu || zu) {
    const cb = cu ?? [cn];
    const zb = zu ?? [zn];
    if (cb.length !== zb.length) out.push(`${path}: ${cb.length} variant(s) in the contract, ${zb.length} in zod`);
    cb.forEach((branch, i) => {
      const key = discriminant(branch);
      const other = key !== undefined ? zb.find((b) => discriminant(b) === key) : zb[i];
      if (other) compare(branch, other, zRoot, `${path}${key !== undefined ? `<${key}>` : `<${i}>`}`, out, depth + 1);
      else if (key !== undefined) out.push(`${path}: variant ${key} is in the contract, not in zod`);
    });
    return;
  }
  const cp = cn.properties as Record<string, Schema> | undefined;
  const zp = zn.properties as Record<string, Schema> | undefined;
  if (cp || zp) {
    const ck = Object.keys(cp ?? {}).sort();
    const zk = Object.keys(zp ?? {}).sort();
    for (const k of ck) if (!zk.includes(k)) out.push(`${path}.${k}: in the contract, not in zod`);
    for (const k of zk) if (!ck.includes(k)) out.push(`${path}.${k}: in zod, not in the contract`);
    const cr = sorted(cn.required as string[] | undefined).join(',');
    const zr = sorted(zn.required as string[] | undefined).join(',');
    if (cr !== zr) out.push(`${path}: required [${cr}] in the contract, [${zr}] in zod`);
    const cClosed = cn.additionalProperties === false;
    const zClosed = zn.additionalProperties === false;
    if (cClosed !== zClosed) out.push(`${path}: ${cClosed ? 'closed' : 'open'} in the contract, ${zClosed ? 'closed' : 'open'} in zod`);
    for (const k of ck) if (zp?.[k]) compare(cp![k]!, zp[k]!, zRoot, `${path}.${k}`, out, depth + 1);
  }
  if (cn.items && zn.items) compare(cn.items as Schema, zn.items as Schema, zRoot, `${path}[]`, out, depth + 1);
}

describe('request bodies: the contract and the zod schemas in core', () => {
  it('covers every JSON request body schema of the contract', () => {
    const refs = new Set<string>();
    for (const item of Object.values(contract.paths as Record<string, Record<string, Schema>>)) {
      for (const op of Object.values(item)) {
        const schema = ((op?.requestBody as Schema | undefined)?.content as Record<string, Schema> | undefined)?.['application/json']?.schema as Schema | undefined;
        const ref = schema?.$ref as string | undefined;
        if (ref) refs.add(ref.split('/').pop()!);
      }
    }
    // The OTLP body is OpenTelemetry's own (its receiver parses it with its own rules).
    refs.delete('OtlpExportTraceServiceRequest');
    expect([...refs].sort()).toEqual(Object.keys(BODIES).sort());
  });

  it('finds a renamed property, a changed required set, a changed enum and an open object', () => {
    const drifted = z.object({ name: z.string().optional(), role: z.enum(['admin', 'owner']), projectId: z.string() });
    const zodJson = z.toJSONSchema(drifted, { io: 'input' }) as Schema;
    const out: string[] = [];
    compare({ $ref: '#/components/schemas/CreateApiKeyRequest' }, zodJson, zodJson, 'CreateApiKeyRequest', out);
    expect(out).toEqual([
      'CreateApiKeyRequest.expires_at: in the contract, not in zod',
      'CreateApiKeyRequest.project_id: in the contract, not in zod',
      'CreateApiKeyRequest.projectId: in zod, not in the contract',
      'CreateApiKeyRequest: required [name] in the contract, [projectId,role] in zod',
      'CreateApiKeyRequest: closed in the contract, open in zod',
      'CreateApiKeyRequest.role: enum admin,member in the contract, admin,owner in zod',
    ]);
  });

  it.each(Object.entries(BODIES))('%s matches %s: property names, required fields, enums, closed objects', (request, input) => {
    const schema = (core as unknown as Record<string, z.ZodType>)[input];
    expect(schema, `${input} is exported by @ftm/core`).toBeDefined();
    const zodJson = z.toJSONSchema(schema!, { io: 'input', unrepresentable: 'any' }) as Schema;
    const out: string[] = [];
    compare({ $ref: `#/components/schemas/${request}` }, zodJson, zodJson, request, out);
    expect(out).toEqual([]);
  });
});
