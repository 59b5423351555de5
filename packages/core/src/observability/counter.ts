import { assertLabelNames, assertMetricName, familyHeader, formatLabels, formatValue, type Labels } from './exposition.js';
import { LabelSet } from './label-set.js';

/** A monotonically increasing count (`…_total`). */
export class Counter {
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

  /** Adds `by` (default 1); a counter never goes down, so a negative or non-finite amount throws. */
  inc(labels: Labels = {}, by = 1): void {
    if (!Number.isFinite(by) || by < 0) throw new RangeError(`${this.name} can only increase (got ${by})`);
    this.#series.get(labels).value += by;
  }

  /** The current value of one series (0 if never incremented). */
  value(labels: Labels = {}): number {
    return this.#series.get(labels).value;
  }

  /** This family in the text format. */
  render(): string {
    let out = familyHeader(this.name, this.help, 'counter');
    for (const { values, state } of this.#series.entries()) out += `${this.name}${formatLabels(this.labelNames, values)} ${formatValue(state.value)}\n`;
    return out;
  }
}
