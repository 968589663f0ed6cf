/** Counts SOAP round trips, in total and per method, for a client or for one job. */
export class RoundTripCounter {
  total = 0;
  readonly byMethod = new Map<string, number>();

  add(method: string): void {
    this.total += 1;
    this.byMethod.set(method, (this.byMethod.get(method) ?? 0) + 1);
  }

  snapshot(): { total: number; byMethod: Record<string, number> } {
    return { total: this.total, byMethod: Object.fromEntries(this.byMethod) };
  }

  reset(): void {
    this.total = 0;
    this.byMethod.clear();
  }
}
