import type { Redis } from 'ioredis';
import type { JobNameDepth, QueueDepth } from '../../ports/queue.js';

/** Ids read from Redis per script call: bounds how long one call blocks the server. */
const PAGE = 1_000;

/**
 * Counts the job names of ids `ARGV[2]..ARGV[3]` of one BullMQ state key (a list or a sorted set).
 * Returns `[idsRead, name1, count1, name2, count2, ...]`. Job hashes live at `ARGV[4] .. id`,
 * the layout BullMQ's own scripts use.
 */
const COUNT_NAMES_LUA = `
local ids
if ARGV[1] == 'list' then
  ids = redis.call('LRANGE', KEYS[1], ARGV[2], ARGV[3])
else
  ids = redis.call('ZRANGE', KEYS[1], ARGV[2], ARGV[3])
end
local counts = {}
for _, id in ipairs(ids) do
  local name = redis.call('HGET', ARGV[4] .. id, 'name')
  if name then counts[name] = (counts[name] or 0) + 1 end
end
local out = { #ids }
for name, n in pairs(counts) do
  out[#out + 1] = name
  out[#out + 1] = n
end
return out
`;

/** Where BullMQ keeps one state, and which counter of QueueDepth it feeds. */
interface StateKey {
  readonly key: string;
  readonly type: 'list' | 'zset';
  readonly counter: keyof QueueDepth;
}

/** The Redis keys of one BullMQ queue that depthByName() reads. */
export interface BullMqStateKeys {
  readonly wait: string;
  readonly prioritized: string;
  readonly active: string;
  readonly delayed: string;
  readonly failed: string;
  /** `prefix:queue:`, the start of every job hash key. */
  readonly jobKeyPrefix: string;
}

/**
 * Depth per job name of a BullMQ queue. BullMQ keeps no per-name counters, so this pages through
 * every id of every counted state ({@link PAGE} per Lua call, so Redis is never blocked for long)
 * and reads each job's name: O(jobs) per call. Jobs moving between states during the scan may be
 * counted in neither or both; the totals of depth() are exact.
 */
export async function bullMqDepthByName(redis: Redis, keys: BullMqStateKeys, pageSize = PAGE): Promise<JobNameDepth[]> {
  const states: StateKey[] = [
    { key: keys.wait, type: 'list', counter: 'waiting' },
    { key: keys.prioritized, type: 'zset', counter: 'waiting' },
    { key: keys.active, type: 'list', counter: 'active' },
    { key: keys.delayed, type: 'zset', counter: 'delayed' },
    { key: keys.failed, type: 'zset', counter: 'deadLetter' },
  ];
  const byName = new Map<string, { waiting: number; active: number; delayed: number; deadLetter: number }>();
  for (const state of states) {
    for (let start = 0; ; start += pageSize) {
      const reply = (await redis.eval(COUNT_NAMES_LUA, 1, state.key, state.type, start, start + pageSize - 1, keys.jobKeyPrefix)) as (string | number)[];
      const [read, ...pairs] = reply;
      for (let i = 0; i + 1 < pairs.length; i += 2) {
        const name = String(pairs[i]);
        const depth = byName.get(name) ?? { waiting: 0, active: 0, delayed: 0, deadLetter: 0 };
        depth[state.counter] += Number(pairs[i + 1]);
        byName.set(name, depth);
      }
      if (Number(read) < pageSize) break;
    }
  }
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, depth]) => ({ name, ...depth }));
}
