import { BlockList } from 'node:net';
import { embeddedIpv4, ipFamily, ipv6Groups } from './ip-address.js';

/** Why an address is not a public destination. */
export type AddressCategory = 'unspecified' | 'loopback' | 'private' | 'link_local' | 'cgnat' | 'metadata' | 'multicast' | 'reserved';

interface Range {
  readonly net: string;
  readonly prefix: number;
  readonly category: AddressCategory;
}

// Most specific first: the first match names the category (169.254.169.254 is `metadata`, not
// just link-local).
const IPV4_RANGES: readonly Range[] = [
  { net: '169.254.169.254', prefix: 32, category: 'metadata' },
  { net: '100.100.100.200', prefix: 32, category: 'metadata' }, // Alibaba Cloud
  { net: '0.0.0.0', prefix: 8, category: 'unspecified' },
  { net: '127.0.0.0', prefix: 8, category: 'loopback' },
  { net: '10.0.0.0', prefix: 8, category: 'private' },
  { net: '172.16.0.0', prefix: 12, category: 'private' },
  { net: '192.168.0.0', prefix: 16, category: 'private' },
  { net: '100.64.0.0', prefix: 10, category: 'cgnat' },
  { net: '169.254.0.0', prefix: 16, category: 'link_local' },
  { net: '192.0.0.0', prefix: 24, category: 'reserved' },
  { net: '198.18.0.0', prefix: 15, category: 'reserved' },
  { net: '224.0.0.0', prefix: 4, category: 'multicast' },
  { net: '240.0.0.0', prefix: 4, category: 'reserved' },
];

const IPV6_RANGES: readonly Range[] = [
  { net: 'fd00:ec2::254', prefix: 128, category: 'metadata' }, // AWS IMDS over IPv6
  { net: '::', prefix: 128, category: 'unspecified' },
  { net: '::1', prefix: 128, category: 'loopback' },
  { net: '::', prefix: 96, category: 'reserved' }, // IPv4-compatible, deprecated
  { net: 'fc00::', prefix: 7, category: 'private' },
  { net: 'fe80::', prefix: 10, category: 'link_local' },
  { net: 'fec0::', prefix: 10, category: 'private' }, // site-local, deprecated
  { net: 'ff00::', prefix: 8, category: 'multicast' },
  { net: '100::', prefix: 64, category: 'reserved' }, // discard-only
];

function blockListOf(range: Range, type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  list.addSubnet(range.net, range.prefix, type);
  return list;
}

const V4 = IPV4_RANGES.map((r) => ({ category: r.category, list: blockListOf(r, 'ipv4') }));
const V6 = IPV6_RANGES.map((r) => ({ category: r.category, list: blockListOf(r, 'ipv6') }));
const NAT64 = blockListOf({ net: '64:ff9b::', prefix: 96, category: 'reserved' }, 'ipv6');

/**
 * The category of a non-public IP address, or null for a public one. IPv4-mapped (::ffff:a.b.c.d)
 * and NAT64 (64:ff9b::a.b.c.d) addresses are judged by the IPv4 address they carry.
 */
export function classifyAddress(address: string): AddressCategory | null {
  const family = ipFamily(address);
  if (family === 4) return V4.find((r) => r.list.check(address, 'ipv4'))?.category ?? null;
  if (family !== 6) return 'reserved';
  const groups = ipv6Groups(address)!;
  const canonical = groups.map((g) => g.toString(16)).join(':');
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped || NAT64.check(canonical, 'ipv6')) return classifyAddress(embeddedIpv4(groups));
  return V6.find((r) => r.list.check(canonical, 'ipv6'))?.category ?? null;
}

const MAX_REMEMBERED_VERDICTS = 4_096;

/** Where webhooks may go. */
export interface DestinationPolicyOptions {
  /** FTM_ENV=dev: every destination is allowed (local receivers, test servers). */
  readonly allowAll?: boolean;
  /** Explicit exceptions: IP addresses, CIDR ranges (`10.1.0.0/16`, `fd12::/64`) or exact host names. */
  readonly allowlist?: readonly string[];
}

/** The verdict on one resolved address. */
export type AddressVerdict = { readonly allowed: true } | { readonly allowed: false; readonly category: AddressCategory };

/**
 * Decides whether a host and the address it resolved to may receive a webhook: public addresses
 * always; non-public ones only in dev or when the host name or the address is allowlisted.
 */
export class DestinationPolicy {
  readonly allowAll: boolean;
  readonly #hosts = new Set<string>();
  readonly #networks = new BlockList();
  readonly #verdicts = new Map<string, AddressVerdict>();
  readonly #allowedAddresses = new Map<string, boolean>();

  constructor(options: DestinationPolicyOptions = {}) {
    this.allowAll = options.allowAll ?? false;
    for (const raw of options.allowlist ?? []) {
      const entry = raw.trim().toLowerCase();
      if (entry === '') continue;
      const [net, bits] = entry.split('/') as [string, string | undefined];
      const family = ipFamily(net);
      if (family === 0) {
        if (bits !== undefined) throw new TypeError(`allowlist entry ${raw} is not a CIDR range`);
        this.#hosts.add(entry);
        continue;
      }
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
        throw new TypeError(`allowlist entry ${raw} has an invalid prefix length`);
      }
      this.#networks.addSubnet(net.replace(/^\[|\]$/g, ''), prefix, type);
    }
  }

  /** Whether this host name is allowlisted as such (its addresses are then not judged). */
  allowsHost(hostname: string): boolean {
    return this.allowAll || this.#hosts.has(hostname.toLowerCase());
  }

  /** The verdict on an address `hostname` resolved to. */
  judge(hostname: string, address: string): AddressVerdict {
    // The policy never changes, so a verdict is remembered: every attempt is judged, but the
    // dozen range checks run once per (host, address).
    const key = `${hostname.toLowerCase()} ${address}`;
    let verdict = this.#verdicts.get(key);
    if (!verdict) {
      const category = classifyAddress(address);
      verdict = category === null || this.allowsHost(hostname) || this.#inAllowedNetwork(address) ? { allowed: true } : { allowed: false, category };
      if (this.#verdicts.size >= MAX_REMEMBERED_VERDICTS) this.#verdicts.clear();
      this.#verdicts.set(key, verdict);
    }
    return verdict;
  }

  /**
   * Plain http is for development and explicitly trusted destinations only: elsewhere the
   * signature would travel, and the payload could be read, in clear text.
   */
  allowsPlainHttp(hostname: string, address: string): boolean {
    return this.allowsHost(hostname) || this.#inAllowedNetwork(address);
  }

  #inAllowedNetwork(address: string): boolean {
    let allowed = this.#allowedAddresses.get(address);
    if (allowed === undefined) {
      allowed = this.#checkAllowedNetwork(address);
      if (this.#allowedAddresses.size >= MAX_REMEMBERED_VERDICTS) this.#allowedAddresses.clear();
      this.#allowedAddresses.set(address, allowed);
    }
    return allowed;
  }

  #checkAllowedNetwork(address: string): boolean {
    const family = ipFamily(address);
    if (family === 0) return false;
    const canonical =
      family === 6
        ? ipv6Groups(address)!
            .map((g) => g.toString(16))
            .join(':')
        : address;
    return this.#networks.check(canonical, family === 6 ? 'ipv6' : 'ipv4');
  }
}
