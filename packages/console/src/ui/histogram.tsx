/** One range of a histogram. */
export interface Bucket {
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/**
 * A bar chart of counts per range, drawn as SVG attributes (no inline style, no script), with a
 * table of the same numbers for screen readers and copy-paste.
 */
export function Histogram({ buckets, label }: { buckets: readonly Bucket[]; label: string }) {
  if (buckets.length === 0) return <p class="muted">No examples were kept, so there is no histogram.</p>;
  const most = Math.max(1, ...buckets.map((b) => b.count));
  const width = 600;
  const height = 160;
  const bar = width / buckets.length;
  return (
    <figure class="histogram">
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label={label} class="chart">
        {buckets.map((b, i) => {
          const h = Math.round((b.count / most) * height);
          return (
            <g key={i}>
              <title>{`${b.min}–${b.max} tokens: ${b.count} examples`}</title>
              <rect class="bar" x={i * bar + 1} y={height - h} width={Math.max(1, bar - 2)} height={h} />
            </g>
          );
        })}
        <text x="0" y={height + 16} class="axis">
          {buckets[0]!.min}
        </text>
        <text x={width} y={height + 16} class="axis" text-anchor="end">
          {buckets[buckets.length - 1]!.max} tokens
        </text>
      </svg>
      <details>
        <summary>Histogram as a table</summary>
        <table aria-label={`${label} (table)`}>
          <thead>
            <tr>
              <th scope="col">Tokens</th>
              <th scope="col">Examples</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b, i) => (
              <tr key={i}>
                <td>
                  {b.min}–{b.max}
                </td>
                <td>{b.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
