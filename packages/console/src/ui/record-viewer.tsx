import { useState } from 'preact/hooks';
import { api } from '../session.js';
import { ErrorBox, Loading } from './bits.js';
import { useLoad } from './use-load.js';

const PER_PAGE = 20;

/**
 * Reads the built JSONL file as a stream and keeps only the lines of the page asked for, so a file
 * of any size costs one page of memory (the stream is cancelled once the page is full).
 */
async function readLines(datasetId: string, split: 'train' | 'validation', from: number, count: number): Promise<{ lines: string[]; more: boolean }> {
  const response = await api().datasets.content(datasetId, { split });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const lines: string[] = [];
  let index = 0;
  let rest = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const parts = (rest + (value ?? '')).split('\n');
      rest = done ? '' : (parts.pop() ?? '');
      for (const line of parts) {
        if (line.trim() === '') continue;
        if (index >= from + count) return { lines, more: true };
        if (index >= from) lines.push(line);
        index++;
      }
      if (done) return { lines, more: false };
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Pretty JSON of one record, or the raw line when it is not JSON. Always rendered as text. */
function pretty(line: string): string {
  try {
    return JSON.stringify(JSON.parse(line), null, 2);
  } catch {
    return line;
  }
}

/** The records of a built dataset, page by page, per split. */
export function RecordViewer({ datasetId, hasValidation }: { datasetId: string; hasValidation: boolean }) {
  const [split, setSplit] = useState<'train' | 'validation'>('train');
  const [page, setPage] = useState(0);
  const data = useLoad(() => readLines(datasetId, split, page * PER_PAGE, PER_PAGE), [datasetId, split, page]);
  return (
    <div class="records">
      <div class="toolbar">
        <label>
          Split{' '}
          <select
            value={split}
            onChange={(e) => {
              setSplit((e.target as HTMLSelectElement).value as 'train' | 'validation');
              setPage(0);
            }}
          >
            <option value="train">train</option>
            {hasValidation ? <option value="validation">validation</option> : null}
          </select>
        </label>
        <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
          Previous records
        </button>
        <span class="muted">
          records {page * PER_PAGE + 1}–{page * PER_PAGE + (data.data?.lines.length ?? 0)}
        </span>
        <button type="button" disabled={!data.data?.more} onClick={() => setPage(page + 1)}>
          Next records
        </button>
      </div>
      <ErrorBox error={data.error} />
      <Loading when={data.loading} />
      <ol class="record-list" start={page * PER_PAGE + 1}>
        {(data.data?.lines ?? []).map((line, i) => (
          <li key={`${page}-${i}`}>
            <pre class="json record" tabIndex={0}>
              {pretty(line)}
            </pre>
          </li>
        ))}
      </ol>
    </div>
  );
}
