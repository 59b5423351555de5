import { useEffect, useRef } from 'preact/hooks';

/** One point of the training curve. */
export interface LossPoint {
  readonly step: number;
  readonly train: number | null;
  readonly valid: number | null;
}

/**
 * Training and validation loss per step, drawn by uPlot (loaded on first use, so it is not part of
 * the initial download), with the same numbers in a table for screen readers.
 */
export function LossChart({ points }: { points: readonly LossPoint[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || points.length === 0) return;
    let plot: { destroy(): void } | undefined;
    let cancelled = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      const css = getComputedStyle(document.documentElement);
      const hasValid = points.some((p) => p.valid !== null);
      const series = [{ label: 'step' }, { label: 'training loss', stroke: css.getPropertyValue('--accent').trim() || '#0a5bd3', width: 2 }];
      if (hasValid) series.push({ label: 'validation loss', stroke: css.getPropertyValue('--warn').trim() || '#9a6700', width: 2 });
      const data = [points.map((p) => p.step), points.map((p) => p.train), ...(hasValid ? [points.map((p) => p.valid)] : [])];
      const axis = { stroke: css.getPropertyValue('--muted').trim() || '#59636e', grid: { stroke: css.getPropertyValue('--line').trim() || '#d1d9e0' } };
      plot = new UPlot({ width: Math.min(720, el.clientWidth || 640), height: 240, series, axes: [axis, axis], scales: { x: { time: false } } }, data as never, el);
    });
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [points]);
  if (points.length === 0) return <p class="muted">No loss reported yet.</p>;
  return (
    <figure>
      <div ref={box} class="loss-chart" role="img" aria-label={`Loss per step: ${points.length} points, last training loss ${points[points.length - 1]!.train ?? '—'}`} />
      <details>
        <summary>Loss as a table</summary>
        <table aria-label="Loss per step (table)">
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Training loss</th>
              <th scope="col">Validation loss</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.step}>
                <td>{p.step}</td>
                <td>{p.train ?? '—'}</td>
                <td>{p.valid ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
