import { parentPort } from 'node:worker_threads';
import { processBatch, type ProcessOptions } from './record-processor.js';

/** A message to a record worker: one batch of lines, tagged so results can be matched up. */
export interface RecordWorkerTask {
  readonly id: number;
  readonly lines: readonly string[];
  readonly options: ProcessOptions;
}

// Worker-thread entry of the record processor pool: runs processBatch and hands the typed
// arrays back by transfer (no copy).
parentPort?.on('message', async (task: RecordWorkerTask) => {
  try {
    const result = await processBatch(task.lines, task.options);
    parentPort!.postMessage({ id: task.id, result }, [
      result.status.buffer,
      result.tokens.buffer,
      result.digests.buffer,
      result.bandKeys.buffer,
      result.signatures.buffer,
      result.findings.buffer,
    ] as ArrayBuffer[]);
  } catch (error) {
    parentPort!.postMessage({ id: task.id, error: error instanceof Error ? error.message : String(error) });
  }
});
