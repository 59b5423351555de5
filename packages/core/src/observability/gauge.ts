import { assertLabelNames, assertMetricName, familyHeader, formatLabels, formatValue, type Labels } from './exposition.js';
import { LabelSet } from './label-set.js';

/** A value that goes up and down, usually sampled when scraped. */
export class Gauge {
  readonly #series: LabelSet<{ value: number }>;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
  ) {
    assertMetricName(name);
    assertLabelNames(name, labelNames);
    this.#series = new LabelSet(name, labelNames, () => ({ value: 0 }));
  }

  /** Sets one series. */
  set(labels: Labels, value: number): void {
    this.#series.get(labels).value = value;
  }

  /** Adds to one series (negative to subtract). */
  inc(labels: Labels = {}, by = 1): void {
    this.#series.get(labels).value += by;
  }

  /** The current value of one series (0 if never set). */
  value(labels: Labels = {}): number {
    return this.#series.get(labels).value;
  }

  /** Drops every series, so a failed sample shows as absent rather than stale. */
  reset(): void {
    this.#series.clear();
  }

  /** This family in the text format. */
  render(): string {
    let out = familyHeader(this.name, this.help, 'gauge');
    for (const { values, state } of this.#series.entries()) out += `${this.name}${formatLabels(this.labelNames, values)} ${formatValue(state.value)}\n`;
    return out;
  }
}
