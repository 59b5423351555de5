import type { Labels } from './exposition.js';

/**
 * The series of one metric, keyed by its label values in declared order. Label names are fixed
 * when the metric is created, so a typo at a call site fails loudly instead of adding a series.
 */
export class LabelSet<T> {
  readonly #series = new Map<string, { readonly values: readonly string[]; state: T }>();

  constructor(
    readonly metric: string,
    readonly names: readonly string[],
    private readonly initial: () => T,
  ) {}

  /** The state of the series with these labels, created on first use. */
  get(labels: Labels = {}): T {
    // Called on every request: one pass, no arrays unless the series is new.
    let given = 0;
    for (const _ in labels) given += 1;
    let key = '';
    for (let i = 0; i < this.names.length; i += 1) {
      const value = labels[this.names[i]!];
      if (value === undefined) given = -1;
      key += i === 0 ? String(value) : `\u0000${String(value)}`;
    }
    if (given !== this.names.length) {
      throw new TypeError(`${this.metric} takes the labels [${this.names.join(', ')}], got [${Object.keys(labels).join(', ')}]`);
    }
    let entry = this.#series.get(key);
    if (!entry) {
      entry = { values: this.names.map((n) => String(labels[n])), state: this.initial() };
      this.#series.set(key, entry);
    }
    return entry.state;
  }

  /** Every series in insertion order. */
  entries(): IterableIterator<{ readonly values: readonly string[]; state: T }> {
    return this.#series.values();
  }

  /** Forgets every series (a gauge sampled afresh at each scrape). */
  clear(): void {
    this.#series.clear();
  }
}
