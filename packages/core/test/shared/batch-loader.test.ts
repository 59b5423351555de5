import { describe, expect, it } from 'vitest';
import { BatchLoader } from '../../src/shared/batch-loader.js';

interface Row {
  readonly id: string;
  readonly scope: string;
}

/** A loader over an in-memory table that records every batched call it receives. */
function recordingLoader(table: readonly Row[], options: { maxBatchSize?: number; maxInFlight?: number; fail?: boolean; gate?: Promise<void> } = {}) {
  const calls: { scope: string; ids: readonly string[] }[] = [];
  const loader = new BatchLoader<string, Row>({
    scopeKey: (scope) => scope,
    loadMany: async (scope, ids) => {
      calls.push({ scope, ids });
      await options.gate;
      if (options.fail) throw new Error('database unavailable');
      return table.filter((r) => r.scope === scope && ids.includes(r.id));
    },
    idOf: (row) => row.id,
    ...(options.maxBatchSize ? { maxBatchSize: options.maxBatchSize } : {}),
    ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
  });
  return { loader, calls };
}

const table: Row[] = [
  { id: 'a1', scope: 'tenant-a' },
  { id: 'a2', scope: 'tenant-a' },
  { id: 'b1', scope: 'tenant-b' },
];

describe('BatchLoader', () => {
  it('answers reads issued in one turn of the event loop with one query per scope', async () => {
    const { loader, calls } = recordingLoader(table);
    const results = await Promise.all([loader.load('tenant-a', 'a1'), loader.load('tenant-a', 'a2'), loader.load('tenant-b', 'b1'), loader.load('tenant-a', 'a1')]);
    expect(results.map((r) => r?.id)).toEqual(['a1', 'a2', 'b1', 'a1']);
    expect(calls).toEqual([
      { scope: 'tenant-a', ids: ['a1', 'a2'] },
      { scope: 'tenant-b', ids: ['b1'] },
    ]);
  });

  it('never answers with another scope’s row', async () => {
    const { loader } = recordingLoader(table);
    const [fromB, fromA] = await Promise.all([loader.load('tenant-b', 'a1'), loader.load('tenant-a', 'a1')]);
    expect(fromB).toBeNull();
    expect(fromA?.id).toBe('a1');
  });

  it('reads again on a later turn instead of serving a remembered row', async () => {
    const { loader, calls } = recordingLoader(table);
    await loader.load('tenant-a', 'a1');
    await loader.load('tenant-a', 'a1');
    expect(calls).toHaveLength(2);
  });

  it('splits a batch at the maximum size', async () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ id: `x${i}`, scope: 's' }));
    const { loader, calls } = recordingLoader(many, { maxBatchSize: 2 });
    const results = await Promise.all(many.map((r) => loader.load('s', r.id)));
    expect(results.map((r) => r?.id)).toEqual(many.map((r) => r.id));
    expect(calls.map((c) => c.ids.length)).toEqual([2, 2, 1]);
  });

  it('gathers the reads that arrive while the queries in flight run into the next query', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { loader, calls } = recordingLoader(table, { maxInFlight: 1, gate });
    const first = loader.load('tenant-a', 'a1');
    await new Promise((resolve) => setImmediate(resolve)); // the first query is now running
    const later = [loader.load('tenant-a', 'a2'), loader.load('tenant-b', 'b1')];
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(1); // the others wait for the running query
    open();
    const results = await Promise.all([first, ...later]);
    expect(results.map((r) => r?.id)).toEqual(['a1', 'a2', 'b1']);
    expect(calls.map((c) => c.ids)).toEqual([['a1'], ['a2'], ['b1']]);
  });

  it('rejects every waiter of a failed batch and recovers on the next one', async () => {
    const failing = recordingLoader(table, { fail: true });
    const settled = await Promise.allSettled([failing.loader.load('tenant-a', 'a1'), failing.loader.load('tenant-a', 'a2')]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    const { loader } = recordingLoader(table);
    await expect(loader.load('tenant-a', 'a2')).resolves.toMatchObject({ id: 'a2' });
  });
});
