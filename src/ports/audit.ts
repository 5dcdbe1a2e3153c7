/** API roles. */
export type Role = 'admin' | 'supervisor' | 'agent';

/** Who did something through the API. */
export interface Principal {
  /** Token name from the tokens file (`sue`), or `admin` for the admin token. */
  name: string;
  role: Role;
  /** Queues a supervisor may act on (`*` for all; admins have `*`). */
  queues: readonly string[] | '*';
  /** The agent id an `agent` token speaks for. */
  agentId?: string;
}

/** One audited action. */
export interface AuditEntry {
  /** Monotonic per log (Redis stream id or a counter). */
  id: string;
  at: number;
  actor: string;
  role: Role;
  /** Dotted: `recording.list`, `recording.get`, `recording.audio`, `recording.delete`, `recording.expired`, `supervision.start`, `supervision.mode`, `supervision.end`, ... */
  action: string;
  callId?: string;
  queue?: string;
  recordingId?: string;
  supervisionId?: string;
  details?: Record<string, unknown>;
}

/** Filter of {@link AuditLog.list}. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  callId?: string;
  /** Entries at or after this time. */
  since?: number;
  /** Newest first; default 100, max 1000. */
  limit?: number;
}

/** Append-only audit log shared by all nodes (never trimmed by Hotline). */
export interface AuditLog {
  append(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry>;
  /** Newest first. */
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
