/** A bounded map of ETag → value for conditional GETs (oldest entry evicted first). */
export class EtagCache<T> {
  private readonly entries = new Map<string, { etag: string; value: T }>();

  constructor(private readonly maxEntries = 500) {}

  get(key: string): { etag: string; value: T } | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Re-insert so recently used keys survive eviction.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, etag: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { etag, value });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
