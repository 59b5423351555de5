/** Prometheus text exposition format 0.0.4: the content type and the escaping rules. */

/** The Content-Type of a scrape response in the text format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label values of one series, by label name. */
export type Labels = Readonly<Record<string, string | number>>;

/** Throws unless `name` is a valid metric name. */
export function assertMetricName(name: string): void {
  if (!METRIC_NAME_RE.test(name)) throw new TypeError(`invalid metric name: ${name}`);
}

/** Throws unless every label name is valid and none is reserved (`__…`, or one the type uses itself). */
export function assertLabelNames(metric: string, names: readonly string[], reserved: readonly string[] = []): void {
  for (const name of names) {
    if (!LABEL_NAME_RE.test(name) || name.startsWith('__') || reserved.includes(name)) throw new TypeError(`invalid label name ${name} on ${metric}`);
  }
  if (new Set(names).size !== names.length) throw new TypeError(`duplicate label name on ${metric}`);
}

/** HELP text escapes only backslash and newline. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Label values escape backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A sample value as the format spells it (`+Inf`, `-Inf`, `NaN`). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** `{a="1",b="2"}`, or nothing when there are no labels. */
export function formatLabels(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return '';
  return `{${names.map((n, i) => `${n}="${escapeLabelValue(values[i]!)}"`).join(',')}}`;
}

/** The `# HELP` and `# TYPE` lines of a metric family. */
export function familyHeader(name: string, help: string, type: 'counter' | 'gauge' | 'histogram'): string {
  return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
}
