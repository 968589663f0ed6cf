/** A small expiring map; concurrent lookups of one key share a single load. */
export class TtlCache {
  readonly #ttlMs: number;
  readonly #entries = new Map<string, { value: Promise<unknown>; expires: number }>();

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  get<TValue>(key: string, load: () => Promise<TValue>): Promise<TValue> {
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.expires > now) return hit.value as Promise<TValue>;
    const value = load();
    this.#entries.set(key, { value, expires: now + this.#ttlMs });
    // a failed load is not remembered
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    return value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
