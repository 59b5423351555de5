import { describe, expect, it } from 'vitest';
import { classifyAddress, DestinationPolicy } from '../../src/webhooks/destination-policy.js';
import { RefusedDestinationError, resolveDestination, systemResolver, type HostResolver } from '../../src/webhooks/resolve-destination.js';

const strict = new DestinationPolicy();
const resolveTo =
  (...addresses: string[]): HostResolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
const refusal = async (promise: Promise<unknown>): Promise<string> => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RefusedDestinationError);
  return (error as RefusedDestinationError).reason;
};

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.20.1.1', 'private'],
    ['192.168.1.10', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link_local'],
    ['100.64.0.1', 'cgnat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fd00:ec2::254', 'metadata'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link_local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::10.0.0.1', 'private'],
  ])('calls %s %s', (address, category) => {
    expect(classifyAddress(address)).toBe(category);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('calls %s public', (address) => {
    expect(classifyAddress(address)).toBeNull();
  });
});

describe('resolveDestination outside dev', () => {
  it.each([
    ['https://127.0.0.1/hook', 'loopback'],
    ['https://10.0.0.1/hook', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'metadata'],
    ['https://[::1]/hook', 'loopback'],
    ['https://[fd00:ec2::254]/hook', 'metadata'],
    ['https://0.0.0.0/hook', 'unspecified'],
  ])('refuses %s as %s', async (url, reason) => {
    expect(await refusal(resolveDestination(new URL(url), strict, systemResolver))).toBe(reason);
  });

  it('refuses a host name that resolves to loopback (localhost, through the real resolver)', async () => {
    expect(await refusal(resolveDestination(new URL('https://localhost:8443/hook'), strict, systemResolver))).toBe('loopback');
  });

  it('refuses a host name that resolves to loopback', async () => {
    expect(await refusal(resolveDestination(new URL('https://hooks.example.com/x'), strict, resolveTo('127.0.0.1')))).toBe('loopback');
  });

  it('refuses a host name when any of its addresses is private, even if another is public', async () => {
    const resolver = resolveTo('93.184.215.14', '10.1.2.3');
    expect(await refusal(resolveDestination(new URL('https://hooks.example.com/x'), strict, resolver))).toBe('private');
  });

  it('returns the checked public address to connect to', async () => {
    const address = await resolveDestination(new URL('https://hooks.example.com/x'), strict, resolveTo('93.184.215.14'));
    expect(address).toEqual({ address: '93.184.215.14', family: 4 });
  });

  it('refuses plain http to a public host', async () => {
    expect(await refusal(resolveDestination(new URL('http://hooks.example.com/x'), strict, resolveTo('93.184.215.14')))).toBe('insecure');
  });

  it('refuses URLs that carry credentials and non-http schemes', async () => {
    expect(await refusal(resolveDestination(new URL('https://user:pw@hooks.example.com/'), strict, resolveTo('93.184.215.14')))).toBe('credentials');
    expect(await refusal(resolveDestination(new URL('ftp://hooks.example.com/'), strict, resolveTo('93.184.215.14')))).toBe('scheme');
  });
});

describe('resolveDestination with exceptions', () => {
  it('allows every destination in dev', async () => {
    const dev = new DestinationPolicy({ allowAll: true });
    await expect(resolveDestination(new URL('http://127.0.0.1:3000/hook'), dev, systemResolver)).resolves.toEqual({ address: '127.0.0.1', family: 4 });
  });

  it('allows an allowlisted network, plain http included, and still refuses the rest', async () => {
    const policy = new DestinationPolicy({ allowlist: ['10.20.0.0/16'] });
    await expect(resolveDestination(new URL('http://10.20.3.4/hook'), policy, systemResolver)).resolves.toMatchObject({ address: '10.20.3.4' });
    expect(await refusal(resolveDestination(new URL('https://10.21.0.1/hook'), policy, systemResolver))).toBe('private');
  });

  it('allows an allowlisted host name whatever it resolves to', async () => {
    const policy = new DestinationPolicy({ allowlist: ['receiver.internal'] });
    await expect(resolveDestination(new URL('http://receiver.internal/hook'), policy, resolveTo('10.9.9.9'))).resolves.toMatchObject({
      address: '10.9.9.9',
    });
  });

  it('rejects a malformed allowlist entry at start', () => {
    expect(() => new DestinationPolicy({ allowlist: ['10.0.0.0/40'] })).toThrow(/prefix/);
  });
});
