import type { DriverName } from './telephony.ts';

/** A timer that must survive a restart: absolute due time on the call's clock. */
export interface PersistedTimer {
  id: string;
  dueAt: number;
}

/** Media played to a caller, as recorded on the call. */
export interface PlayedPrompt {
  playbackId: string;
  step: string;
  media: unknown[];
  at: number;
  state: 'playing' | 'finished' | 'stopped' | 'failed';
}

/** Everything needed to show and resume one call. */
export interface SessionRecord {
  /** Call id (the inbound leg's id). */
  callId: string;
  legId: string;
  driver: DriverName;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  flowId: string;
  /** Content hash of the flow version the call started with. */
  flowVersion: string;
  state: 'active' | 'ended';
  /** The step the call is in (dotted path for nested steps). */
  step: string;
  /** Steps entered, in order. */
  path: string[];
  variables: Record<string, unknown>;
  prompts: PlayedPrompt[];
  startedAt: number;
  endedAt?: number;
  outcome?: string;
  /** XState persisted snapshot of the flow machine. */
  snapshot: unknown;
  /** Runtime state outside the machine: timers, effects in flight, completed effect ids. */
  runtime: {
    timers: PersistedTimer[];
    inflight: Record<string, unknown>;
    [key: string]: unknown;
  };
  updatedAt: number;
}

/** Where call sessions live between transitions (memory by default, Redis with `REDIS_URL`). */
export interface SessionStore {
  save(record: SessionRecord): Promise<void>;
  get(callId: string): Promise<SessionRecord | undefined>;
  /** Active calls (all nodes). */
  listActive(): Promise<SessionRecord[]>;
  /** Recently ended calls, newest first. */
  listEnded?(limit: number): Promise<SessionRecord[]>;
  /** Marks a call ended and keeps it readable for `retainMs`. */
  end(record: SessionRecord, retainMs: number): Promise<void>;
  delete(callId: string): Promise<void>;
  /** Resolves when the store answers (`GET /ready`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A flow version's source, kept so a call resumed after a restart runs the version it started with. */
export interface FlowVersionSource {
  flowId: string;
  version: string;
  file: string;
  text: string;
  /** Sources of sub-flows are stored under their own version. */
  storedAt: number;
}

/** Flow versions by content hash. */
export interface FlowVersionStore {
  put(source: FlowVersionSource): Promise<void>;
  get(version: string): Promise<FlowVersionSource | undefined>;
}
