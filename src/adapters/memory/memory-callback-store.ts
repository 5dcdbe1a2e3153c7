import type { CallbackFilter, CallbackRecord, CallbackStore } from '../../ports/callback-store.ts';
import { isFinalCallbackState } from '../../ports/callback-store.ts';
import { hotlineError } from '../../core/errors.ts';

/**
 * Callbacks in process memory (one node; the default without `REDIS_URL`). Records are copied
 * in and out so a caller mutating its object never changes what is stored, as with a store
 * that serialises. Every method is one synchronous step, hence atomic.
 */
export class MemoryCallbackStore implements CallbackStore {
  readonly #records = new Map<string, CallbackRecord>();
  readonly #slots = new Map<string, number>();

  async create(record: CallbackRecord): Promise<CallbackRecord> {
    if (this.#records.has(record.id)) throw hotlineError('HOTLINE_ERR_CONFLICT', `callback ${record.id} exists`, { callbackId: record.id });
    const stored = { ...structuredClone(record), version: 1 };
    this.#records.set(record.id, stored);
    return structuredClone(stored);
  }

  async get(id: string): Promise<CallbackRecord | undefined> {
    const record = this.#records.get(id);
    return record ? structuredClone(record) : undefined;
  }

  async update(record: CallbackRecord): Promise<boolean> {
    const current = this.#records.get(record.id);
    if (!current || current.version !== record.version) return false;
    this.#records.set(record.id, { ...structuredClone(record), version: record.version + 1 });
    return true;
  }

  async list(filter: CallbackFilter = {}): Promise<CallbackRecord[]> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    return [...this.#records.values()]
      .filter((r) => (filter.state === undefined || r.state === filter.state) && (filter.queue === undefined || r.queue === filter.queue))
      .sort(newestFirst)
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async pending(number: string): Promise<CallbackRecord[]> {
    return [...this.#records.values()]
      .filter((r) => r.number === number && !isFinalCallbackState(r.state))
      .sort((a, b) => -newestFirst(a, b))
      .map((r) => structuredClone(r));
  }

  async reserveSlot(queue: string, slotKey: string, capacity: number): Promise<boolean> {
    const key = slotId(queue, slotKey);
    const taken = this.#slots.get(key) ?? 0;
    if (taken >= capacity) return false;
    this.#slots.set(key, taken + 1);
    return true;
  }

  async releaseSlot(queue: string, slotKey: string): Promise<void> {
    const key = slotId(queue, slotKey);
    const taken = this.#slots.get(key) ?? 0;
    if (taken <= 1) this.#slots.delete(key);
    else this.#slots.set(key, taken - 1);
  }

  async slotsTaken(queue: string, slotKeys: readonly string[]): Promise<number[]> {
    return slotKeys.map((k) => this.#slots.get(slotId(queue, k)) ?? 0);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

function slotId(queue: string, slotKey: string): string {
  return `${queue}\u0000${slotKey}`;
}

/** Newest `createdAt` first; ties by id (descending) so the order is total. */
export function newestFirst(a: CallbackRecord, b: CallbackRecord): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
