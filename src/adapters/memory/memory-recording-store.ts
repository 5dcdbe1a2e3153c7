import type { RecordingFilter, RecordingMeta, RecordingStore } from '../../ports/recordings.ts';

/** Recording metadata in process memory (one node; the embedded default). */
export class MemoryRecordingStore implements RecordingStore {
  readonly #byId = new Map<string, RecordingMeta>();

  async put(meta: RecordingMeta): Promise<void> {
    this.#byId.set(meta.id, structuredClone(meta));
  }

  async get(id: string): Promise<RecordingMeta | undefined> {
    const meta = this.#byId.get(id);
    return meta ? structuredClone(meta) : undefined;
  }

  async list(filter: RecordingFilter = {}): Promise<RecordingMeta[]> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    return [...this.#byId.values()]
      .filter((m) => filter.callId === undefined || m.callId === filter.callId)
      .filter((m) => filter.queue === undefined || m.queue === filter.queue)
      .filter((m) => filter.queues === undefined || (m.queue !== undefined && filter.queues.includes(m.queue)))
      .sort((a, b) => b.startedAt - a.startedAt || compareIds(b.id, a.id))
      .slice(0, limit)
      .map((m) => structuredClone(m));
  }

  async delete(id: string): Promise<boolean> {
    return this.#byId.delete(id);
  }

  async expired(endedBefore: number, limit: number): Promise<string[]> {
    if (!(limit >= 1)) return []; // slice(0, -n) would return nearly everything
    return [...this.#byId.values()]
      // Retention never deletes a recording still running, even one that carries an `endedAt`.
      .filter((m) => m.endedAt !== undefined && m.state !== 'recording' && m.endedAt < endedBefore)
      .sort((a, b) => a.endedAt! - b.endedAt! || compareIds(a.id, b.id))
      .slice(0, limit)
      .map((m) => m.id);
  }

  async close(): Promise<void> {}
}

/** Code-point order, as Redis orders sorted-set members with equal scores (the adapters agree). */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
