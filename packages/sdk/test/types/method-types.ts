/**
 * Compile-time drift check (the repository typecheck runs it): every method `OPERATION_METHODS`
 * names returns exactly the contract's success type for its operation, and takes exactly its
 * request body type, while its signature names the friendly aliases (`FtJob`, not
 * `JsonResponse<'getFtJob'>`). A contract change that alters a type fails here until the method
 * follows.
 */
import type { ApiPromise, Ftm, JsonBody, JsonResponse, ListItem, OperationId, PagePromise } from '../../src/index.js';
import type { OPERATION_METHODS } from '../../src/operation-methods.js';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

type MethodOf<K extends OperationId> = (typeof OPERATION_METHODS)[K] extends `${infer R extends keyof Ftm}.${infer M}` ? (M extends keyof Ftm[R] ? Ftm[R][M] : never) : never;

type ReturnOf<K extends OperationId> = MethodOf<K> extends (...args: never[]) => infer R ? R : never;
type ArgsOf<K extends OperationId> = MethodOf<K> extends (...args: infer A) => unknown ? A : never;

/** What a method should return: a page of the list's items, or the success body. */
type Expected<K extends OperationId> = [ListItem<K>] extends [never] ? ApiPromise<JsonResponse<K>> : PagePromise<ListItem<K>>;

// Operations whose method returns something other than the parsed JSON body, on purpose.
type NotJson = 'getDatasetContent' | 'streamEvents' | 'getMetrics' | 'getApiReference' | 'getOpenApiDocument' | 'deleteWebhookEndpoint' | 'deleteProviderCredential' | 'deleteLangfuseCredential';

type ReturnMismatches = { [K in Exclude<OperationId, NotJson>]: Equals<ReturnOf<K>, Expected<K>> extends true ? never : K }[Exclude<OperationId, NotJson>];
/** True when one of the parameters has exactly type B (undefined of an optional one aside). */
type HasParam<A extends readonly unknown[], B> = true extends { [I in keyof A]: Equals<Exclude<A[I], undefined>, B> }[number] ? true : false;
type BodyMismatches = { [K in OperationId]: [JsonBody<K>] extends [never] ? never : HasParam<ArgsOf<K>, JsonBody<K>> extends true ? never : K }[OperationId];

/** Both are `never` while the methods match the contract; a name here is the drifting operation. */
export const returnsMatchTheContract: [ReturnMismatches] extends [never] ? true : ReturnMismatches = true;
export const bodiesMatchTheContract: [BodyMismatches] extends [never] ? true : BodyMismatches = true;
