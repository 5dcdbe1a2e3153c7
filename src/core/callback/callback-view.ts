import type { AttemptOutcome, CallbackMode, CallbackRecord, CallbackState } from '../../ports/callback-store.ts';

/** A callback as the API shows it: times as ISO 8601 (UTC). */
export interface CallbackView {
  id: string;
  callId: string;
  number: string;
  mode: CallbackMode;
  queue: string;
  priority: number;
  state: CallbackState;
  /** When the next attempt is due (keep-place while queued: when it was asked for). */
  dueAt: string;
  slot: { key: string; label: string; start: string; end: string } | null;
  attempts: Array<{ n: number; at: string; endedAt: string | null; outcome: AttemptOutcome | null }>;
  maxAttempts: number;
  expiresAt: string;
  /** Final outcome, null while pending. */
  outcome: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The API view of a record. */
export function callbackView(r: CallbackRecord): CallbackView {
  return {
    id: r.id,
    callId: r.callId,
    number: r.number,
    mode: r.mode,
    queue: r.queue,
    priority: r.priority,
    state: r.state,
    dueAt: iso(r.dueAt),
    slot: r.slot ? { key: r.slot.key, label: r.slot.label, start: iso(r.slot.start), end: iso(r.slot.end) } : null,
    attempts: r.attempts.map((a) => ({ n: a.n, at: iso(a.at), endedAt: a.endedAt === undefined ? null : iso(a.endedAt), outcome: a.outcome ?? null })),
    maxAttempts: r.maxAttempts,
    expiresAt: iso(r.expiresAt),
    outcome: r.outcome ?? null,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}
