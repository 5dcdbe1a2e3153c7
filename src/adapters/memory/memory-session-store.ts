import type { SessionRecord, SessionStore } from '../../ports/stores.ts';

/**
 * Sessions in process memory (the default without `REDIS_URL`). Records are copied in and out
 * (structured clone) so a caller mutating its object never changes what is stored — the same
 * semantics as a store that serialises. Ended records are dropped `retainMs` after `end`,
 * checked on access against the injected clock.
 */
export class MemorySessionStore implements SessionStore {
  readonly #now: () => number;
  readonly #records = new Map<string, { record: SessionRecord; expiresAt?: number }>();

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  async save(record: SessionRecord): Promise<void> {
    const existing = this.#live(record.callId);
    // Saving an ended record keeps its retention; saving an active one makes it permanent again.
    const expiresAt = record.state === 'ended' ? existing?.expiresAt : undefined;
    this.#records.set(record.callId, { record: structuredClone(record), ...(expiresAt !== undefined ? { expiresAt } : {}) });
  }

  async get(callId: string): Promise<SessionRecord | undefined> {
    const entry = this.#live(callId);
    return entry ? structuredClone(entry.record) : undefined;
  }

  async listActive(): Promise<SessionRecord[]> {
    return this.#all()
      .filter((r) => r.state === 'active')
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((r) => structuredClone(r));
  }

  /** Ended calls still retained, newest (by `endedAt`) first. */
  async listEnded(limit: number): Promise<SessionRecord[]> {
    return this.#all()
      .filter((r) => r.state === 'ended')
      .sort((a, b) => (b.endedAt ?? b.updatedAt) - (a.endedAt ?? a.updatedAt))
      .slice(0, Math.max(0, limit))
      .map((r) => structuredClone(r));
  }

  async end(record: SessionRecord, retainMs: number): Promise<void> {
    const ended: SessionRecord = { ...record, state: 'ended', endedAt: record.endedAt ?? this.#now() };
    this.#records.set(record.callId, { record: structuredClone(ended), expiresAt: this.#now() + Math.max(0, retainMs) });
  }

  async delete(callId: string): Promise<void> {
    this.#records.delete(callId);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  #live(callId: string): { record: SessionRecord; expiresAt?: number } | undefined {
    const entry = this.#records.get(callId);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.#now()) {
      this.#records.delete(callId);
      return undefined;
    }
    return entry;
  }

  #all(): SessionRecord[] {
    return [...this.#records.keys()].flatMap((id) => {
      const entry = this.#live(id);
      return entry ? [entry.record] : [];
    });
  }
}
