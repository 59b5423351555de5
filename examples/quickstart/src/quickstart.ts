/**
 * FTM quickstart: register a model version, list candidates, then follow the version's events
 * live while approving it. Run `ftm start`, then:
 *
 *   FTM_BASE_URL=http://localhost:8080 FTM_API_KEY=ftm_… pnpm --filter @ftm/example-quickstart start
 */
import { ApiError, Ftm } from '@ftm/sdk';

const baseUrl = process.env.FTM_BASE_URL ?? 'http://localhost:8080';
const apiKey = process.env.FTM_API_KEY;
if (!apiKey) {
  console.error('Set FTM_API_KEY to the key `ftm start` printed (and FTM_BASE_URL if not http://localhost:8080).');
  process.exit(1);
}

const ftm = new Ftm({ baseUrl, apiKey });

async function main(): Promise<void> {
  // 1. Register a fine-tuned model as a candidate. Retries reuse one Idempotency-Key, so a flaky
  //    network never registers it twice.
  const version = await ftm.modelVersions.create({
    name: `quickstart-${new Date().toISOString()}`,
    provider: 'openai',
    provider_model_id: 'ft:gpt-4o-mini-2024-07-18:acme:quickstart:abc123',
    base_model: 'gpt-4o-mini-2024-07-18',
    metadata: { source: 'quickstart' },
  });
  console.log(`registered ${version.id} (${version.status})`);

  // 2. List candidates; the list is an async iterable across every page.
  let count = 0;
  for await (const candidate of ftm.modelVersions.list({ status: 'candidate', limit: 50 })) {
    if (count++ < 5) console.log(`  candidate ${candidate.name}`);
  }
  console.log(`${count} candidate version(s) in total`);

  // 3. Follow this version's events from the start of the stream, approving it once its creation
  //    event arrives; breaking out of the loop closes the connection.
  for await (const event of ftm.events.stream({ resourceId: version.id, lastEventId: 0 })) {
    console.log(`event #${event.seq} ${event.type}`);
    if (event.type === 'model_version.created') await ftm.modelVersions.approve(version.id);
    if (event.type === 'model_version.updated') break;
  }

  const approved = await ftm.modelVersions.get(version.id);
  console.log(`done: ${approved.id} is ${approved.status}`);
}

main().catch((error: unknown) => {
  if (error instanceof ApiError) console.error(`FTM answered ${error.status ?? 'nothing'} (${error.code ?? error.name}): ${error.message} [request ${error.requestId ?? '-'}]`);
  else console.error(error);
  process.exit(1);
});
