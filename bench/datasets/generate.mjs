// Writes a synthetic chat dataset: varied sentences from a seeded generator, ~500 bytes a record,
// a little planted PII and ~1% exact duplicates, so every pipeline step has real work to do.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const WORDS = (
  'account billing invoice refund router firmware password reset shipping order delivery tracking warranty ' +
  'subscription upgrade downgrade latency outage dashboard export import report schedule meeting calendar ' +
  'travel booking hotel flight baggage visa passport recipe oven temperature garden watering fertilizer ' +
  'battery charger laptop monitor keyboard printer scanner network wifi bluetooth speaker headphones camera ' +
  'mortgage savings budget pension insurance claim policy premium deductible doctor appointment pharmacy ' +
  'the a to of and in for on with how what why can could would should please thanks quickly today tomorrow'
).split(' ');

/** mulberry32: a tiny deterministic PRNG so every run writes the same bytes. */
function rng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(rand, words) {
  const out = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  out[0] = out[0][0].toUpperCase() + out[0].slice(1);
  return out.join(' ') + '.';
}

export async function generateChatDataset(path, records, seed = 42) {
  const rand = rng(seed);
  const out = createWriteStream(path);
  let previous = '';
  let bytes = 0;
  for (let i = 0; i < records; i++) {
    let line;
    if (previous && rand() < 0.01) {
      line = previous;
    } else {
      let user = `${sentence(rand, 12)} ${sentence(rand, 10)}`;
      if (rand() < 0.05) user += ` You can reach me at user${i}@example.com or +44 20 7946 ${String(1000 + (i % 9000))}.`;
      const assistant = `${sentence(rand, 18)} ${sentence(rand, 16)} ${sentence(rand, 14)} Reference ${i}.`;
      line = JSON.stringify({
        messages: [
          { role: 'system', content: 'You are a helpful support assistant.' },
          { role: 'user', content: user },
          { role: 'assistant', content: assistant },
        ],
      });
    }
    previous = line;
    bytes += Buffer.byteLength(line) + 1;
    if (!out.write(line + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}
