/**
 * Runs the webhook receiver:
 *   FTM_WEBHOOK_SECRET=whsec_… PORT=3000 pnpm --filter @ftm/example-webhook-receiver start
 * Several secrets (rotation overlap) are comma-separated.
 */
import { createWebhookReceiver } from './receiver.js';

const secrets = (process.env.FTM_WEBHOOK_SECRET ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
if (secrets.length === 0) {
  console.error('Set FTM_WEBHOOK_SECRET to the whsec_ secret FTM returned when the endpoint was created.');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);

const server = createWebhookReceiver({
  secrets,
  onEvent: (event) => {
    console.log(`${event.created_at} ${event.type} ${event.id}`);
  },
});
server.listen(port, () => console.log(`listening on http://localhost:${port}/webhooks`));
process.on('SIGTERM', () => server.close());
