import { lookup } from 'node:dns/promises';
import { FtmError } from '../shared/errors.js';
import type { AddressCategory, DestinationPolicy } from './destination-policy.js';
import { ipFamily } from './ip-address.js';

/** One address a host name resolved to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to every address it has; injectable so tests control DNS. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The operating system's resolver (getaddrinfo), every address in its own order. */
export const systemResolver: HostResolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** Why a destination is refused. */
export type RefusalReason = 'scheme' | 'credentials' | 'insecure' | AddressCategory;

/** The destination breaks the policy (never retried: the same URL would be refused again). */
export class RefusedDestinationError extends FtmError {
  override readonly name = 'RefusedDestinationError';
  constructor(readonly reason: RefusalReason) {
    super(describe(reason));
  }
}

/** The host name could not be resolved right now (retried like a connection error). */
export class DestinationLookupError extends FtmError {
  override readonly name = 'DestinationLookupError';
  constructor(
    readonly notFound: boolean,
    options?: { cause?: unknown },
  ) {
    super(notFound ? 'the destination host does not resolve' : 'the destination host could not be resolved', options);
  }
}

function describe(reason: RefusalReason): string {
  switch (reason) {
    case 'scheme':
      return 'the destination must be an http(s) URL';
    case 'credentials':
      return 'the destination URL must not carry credentials';
    case 'insecure':
      return 'the destination must use https';
    default:
      return `the destination resolves to a ${reason.replace('_', '-')} address`;
  }
}

/**
 * Checks a webhook URL against the policy and returns the one address to connect to. Every
 * address the name resolves to must pass, so a name mixing public and private answers is
 * refused; the caller connects to the returned address only (never resolving again), so a DNS
 * answer that changes between the check and the connection cannot redirect the request.
 */
export async function resolveDestination(url: URL, policy: DestinationPolicy, resolver: HostResolver): Promise<ResolvedAddress> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RefusedDestinationError('scheme');
  if (url.username !== '' || url.password !== '') throw new RefusedDestinationError('credentials');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const family = ipFamily(hostname);
  let addresses: readonly ResolvedAddress[];
  if (family !== 0) {
    addresses = [{ address: hostname, family }];
  } else {
    try {
      addresses = await resolver(hostname);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new DestinationLookupError(code === 'ENOTFOUND' || code === 'ENODATA', { cause: error });
    }
    if (addresses.length === 0) throw new DestinationLookupError(true);
  }
  for (const { address } of addresses) {
    const verdict = policy.judge(hostname, address);
    if (!verdict.allowed) throw new RefusedDestinationError(verdict.category);
  }
  if (url.protocol === 'http:' && !policy.allowsPlainHttp(hostname, addresses[0]!.address)) throw new RefusedDestinationError('insecure');
  return addresses[0]!;
}
