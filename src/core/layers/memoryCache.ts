/** A least-recently-used map bounded by a total weight and a total count of items inside values. */
export class WeightedLru<V> {
  private readonly items = new Map<string, { value: V; weight: number; count: number }>();
  private weight = 0;
  private count = 0;

  constructor(
    private readonly maxWeight: number,
    private readonly maxCount: number,
  ) {}

  get(key: string): V | undefined {
    const item = this.items.get(key);
    if (item === undefined) return undefined;
    this.items.delete(key);
    this.items.set(key, item); // most recent last
    return item.value;
  }

  /** Stores `value`, evicting the least recently used until both budgets hold (the newest always stays). */
  set(key: string, value: V, weight: number, count: number): void {
    this.delete(key);
    this.items.set(key, { value, weight, count });
    this.weight += weight;
    this.count += count;
    for (const [oldest, item] of this.items) {
      if (this.weight <= this.maxWeight && this.count <= this.maxCount) break;
      if (oldest === key) break;
      this.items.delete(oldest);
      this.weight -= item.weight;
      this.count -= item.count;
    }
  }

  delete(key: string): void {
    const item = this.items.get(key);
    if (item === undefined) return;
    this.items.delete(key);
    this.weight -= item.weight;
    this.count -= item.count;
  }

  clear(): void {
    this.items.clear();
    this.weight = 0;
    this.count = 0;
  }

  get size(): number {
    return this.items.size;
  }
}
