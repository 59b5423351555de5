// The adapters entry: implementations of core's ports, chosen by the runtime composition
// (createFtm and the server/worker runtimes). Feature barrels export ports and use cases only.
export * from './dataset-integrations.js';
export * from './provider-resolver.js';
export * from './openai/openai-fine-tune-provider.js';
export * from './openai/openai-webhook-event.js';
export * from './simulated/simulated-fine-tune-provider.js';
export * from './simulated/simulated-progression.js';
export * from './together/index.js';
export * from './prism-approvals/prism-client.js';
export * from './orchestrator/governance-client.js';
export * from './openai/chat-runner.js';
export * from './simulated/simulated-runner.js';
export * from './trism-sanitizer/remote-trism-sanitizer.js';
