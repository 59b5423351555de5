import { silentLogger, type Logger } from '@ftm/core';
import type { FtmWorker } from './create-worker.js';

/** Which signals drain the worker, for how long, and how the process ends. */
export interface SignalHandlerOptions {
  readonly signals?: readonly NodeJS.Signals[];
  readonly drainTimeoutMs?: number;
  readonly logger?: Logger;
  /** Called once drained (default: process.exit); a second signal exits at once with 1. */
  readonly exit?: (code: number) => void;
}

/**
 * Drains the worker on SIGTERM/SIGINT, then exits 0 (1 if stopping failed). A second signal
 * exits at once: in-flight jobs are then redelivered after their visibility timeout.
 * Returns a function that removes the handlers.
 */
export function installSignalHandlers(worker: FtmWorker, options: SignalHandlerOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const logger = options.logger ?? silentLogger;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let draining = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (draining) {
      logger.warn({ signal }, 'second signal: exiting without waiting for in-flight jobs');
      exit(1);
      return;
    }
    draining = true;
    logger.info({ signal }, 'draining the worker');
    worker.stop(options.drainTimeoutMs).then(
      () => exit(0),
      (error: unknown) => {
        logger.error({ err: { message: (error as Error).message } }, 'the worker did not stop cleanly');
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
