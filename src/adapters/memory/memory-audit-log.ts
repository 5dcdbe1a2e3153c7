import type { AuditEntry, AuditFilter, AuditLog } from '../../ports/audit.ts';

/** The audit log in process memory (one node; the embedded default). */
export class MemoryAuditLog implements AuditLog {
  readonly #entries: AuditEntry[] = [];
  #seq = 0;

  async append(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    const stored: AuditEntry = { ...structuredClone(entry), id: `${entry.at}-${++this.#seq}` };
    this.#entries.push(stored);
    return structuredClone(stored);
  }

  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const out: AuditEntry[] = [];
    for (let i = this.#entries.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.#entries[i]!;
      if (filter.actor !== undefined && e.actor !== filter.actor) continue;
      if (filter.action !== undefined && e.action !== filter.action) continue;
      if (filter.callId !== undefined && e.callId !== filter.callId) continue;
      if (filter.since !== undefined && e.at < filter.since) continue;
      out.push(structuredClone(e));
    }
    return out;
  }

  async close(): Promise<void> {}
}
