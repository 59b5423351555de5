import { isIPv4, isIPv6 } from 'node:net';

/**
 * The eight 16-bit groups of an IPv6 address (with `::` expanded and a trailing dotted quad
 * folded in), or null when it is not an IPv6 literal.
 */
export function ipv6Groups(address: string): number[] | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIPv6(bare)) return null;
  let text = bare;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  if (tail === undefined) return left.length === 8 ? left : null;
  const right = parse(tail);
  const zeros = 8 - left.length - right.length;
  return zeros < 0 ? null : [...left, ...new Array<number>(zeros).fill(0), ...right];
}

/** The IPv4 address an IPv6 one carries in its low 32 bits, as dotted quad. */
export function embeddedIpv4(groups: readonly number[]): string {
  const hi = groups[6]!;
  const lo = groups[7]!;
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** 4 for an IPv4 literal, 6 for IPv6 (brackets allowed), 0 for anything else. */
export function ipFamily(host: string): 0 | 4 | 6 {
  if (isIPv4(host)) return 4;
  return ipv6Groups(host) ? 6 : 0;
}
