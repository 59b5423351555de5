import { assertLabelNames, assertMetricName, familyHeader, formatLabels, formatValue, type Labels } from './exposition.js';
import { LabelSet } from './label-set.js';

interface HistogramState {
  /** Per-bucket (non-cumulative) counts; the last slot is the +Inf overflow. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/** One series of a histogram, its labels resolved once: observing costs no label lookup. */
export interface HistogramSeries {
  observe(value: number): void;
}

/** Observations counted into fixed upper bounds (`le`), with their sum and count. */
export class Histogram {
  readonly buckets: readonly number[];
  readonly #series: LabelSet<HistogramState>;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    buckets: readonly number[],
  ) {
    assertMetricName(name);
    assertLabelNames(name, labelNames, ['le']);
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new TypeError(`${name} needs finite, strictly increasing buckets`);
    }
    this.buckets = [...buckets];
    this.#series = new LabelSet(name, labelNames, () => ({ counts: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0 }));
  }

  /** Records one observation (in the metric's unit, e.g. seconds). NaN is ignored. */
  observe(labels: Labels, value: number): void {
    this.#record(this.#series.get(labels), value);
  }

  /**
   * The series with these labels, for a caller that observes it again and again (the HTTP
   * latency of one route and status): its labels are checked and looked up here, once.
   */
  series(labels: Labels): HistogramSeries {
    const state = this.#series.get(labels);
    return { observe: (value) => this.#record(state, value) };
  }

  #record(state: HistogramState, value: number): void {
    if (Number.isNaN(value)) return;
    const { buckets } = this;
    let i = 0;
    while (i < buckets.length && value > buckets[i]!) i += 1;
    state.counts[i]! += 1;
    state.sum += value;
    state.count += 1;
  }

  /** Count and sum of one series (zeros if never observed). */
  snapshot(labels: Labels): { readonly count: number; readonly sum: number } {
    const { count, sum } = this.#series.get(labels);
    return { count, sum };
  }

  /** This family in the text format: cumulative `_bucket` lines ending with `+Inf`, then `_sum` and `_count`. */
  render(): string {
    let out = familyHeader(this.name, this.help, 'histogram');
    const names = [...this.labelNames, 'le'];
    for (const { values, state } of this.#series.entries()) {
      let cumulative = 0;
      for (let i = 0; i <= this.buckets.length; i += 1) {
        cumulative += state.counts[i]!;
        const le = i < this.buckets.length ? formatValue(this.buckets[i]!) : '+Inf';
        out += `${this.name}_bucket${formatLabels(names, [...values, le])} ${cumulative}\n`;
      }
      const labels = formatLabels(this.labelNames, values);
      out += `${this.name}_sum${labels} ${formatValue(state.sum)}\n${this.name}_count${labels} ${state.count}\n`;
    }
    return out;
  }
}
