import { parentPort } from 'node:worker_threads';
import { batchTransferList, processBatch, type ProcessOptions } from './record-processor.js';

/** A message to a record worker: one batch of JSONL bytes (transferred), tagged so results can be matched up. */
export interface RecordWorkerTask {
  readonly id: number;
  readonly input: Uint8Array;
  readonly options: ProcessOptions;
}

// Worker-thread entry of the record processor pool: runs processBatch and hands the typed
// arrays back by transfer (no copy).
parentPort?.on('message', async (task: RecordWorkerTask) => {
  try {
    const result = await processBatch(task.input, task.options);
    parentPort!.postMessage({ id: task.id, result }, batchTransferList(result));
  } catch (error) {
    parentPort!.postMessage({ id: task.id, error: error instanceof Error ? error.message : String(error) });
  }
});
