import type { DriverName } from './telephony.ts';

/** An interval in epoch milliseconds; `to` unset while it is still open. */
export interface RecordingInterval {
  from: number;
  to?: number;
}

/** What a recording covers: the caller's leg (IVR and onwards) or the caller–agent conversation. */
export type RecordingTarget = 'call' | 'conversation';

/** Who asked for a recording: a flow's `record` step, a queue's policy, or the API. */
export type RecordingSource = 'flow' | 'queue' | 'api';

/** One recording's metadata, as stored and as `GET /api/recordings/{id}` shows it. */
export interface RecordingMeta {
  /** Also the recording's name on the PBX (`[A-Za-z0-9_.-]`). */
  id: string;
  callId: string;
  flowId: string;
  queue?: string;
  agentId?: string;
  target: RecordingTarget;
  source: RecordingSource;
  driver: DriverName;
  /** Node that drives (drove) the recording. */
  node: string;
  state: 'recording' | 'done' | 'failed';
  startedAt: number;
  endedAt?: number;
  /** Length of the audio file (paused intervals are silence inside it, so they count). */
  durationMs?: number;
  /** Intervals recorded as silence: sensitive steps (card numbers) and explicit pauses. */
  paused: RecordingInterval[];
  format: 'wav';
}

/** Filter of {@link RecordingStore.list}. */
export interface RecordingFilter {
  callId?: string;
  queue?: string;
  /** Only recordings of these queues (a supervisor's assignment). */
  queues?: readonly string[];
  /** Newest first; at most this many (default 100, max 1000). */
  limit?: number;
}

/** Recording metadata shared by all nodes (memory by default, Redis with `REDIS_URL`). */
export interface RecordingStore {
  /** Inserts or replaces. */
  put(meta: RecordingMeta): Promise<void>;
  get(id: string): Promise<RecordingMeta | undefined>;
  /** Newest first. */
  list(filter?: RecordingFilter): Promise<RecordingMeta[]>;
  /** True when it existed. */
  delete(id: string): Promise<boolean>;
  /** Ids of recordings that ended before `endedBefore` (retention), oldest first. */
  expired(endedBefore: number, limit: number): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The audio of recordings, where the PBX keeps it (a driver capability: the simulated PBX's
 * WAV files, Asterisk's stored recordings, FreeSWITCH's recordings directory).
 */
export interface RecordingMedia {
  /** WAV bytes of a finished recording; undefined when the PBX has none by that name. */
  fetch(id: string): Promise<Uint8Array | undefined>;
  /** Deletes the audio; resolves when it is gone or never existed. */
  delete(id: string): Promise<void>;
}
