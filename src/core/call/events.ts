import type { Media } from '../../ports/telephony.ts';

/** Events the flow machine receives: leg events plus results of the effects it asked for. */
export type FlowEvent =
  | { type: 'call.dtmf'; digit: string; durationMs?: number }
  | { type: 'call.speech'; text: string; confidence?: number }
  | { type: 'call.hangup'; cause: string; by: 'remote' | 'local' }
  | { type: 'prompt.done'; playbackId: string; reason: 'finished' | 'stopped' | 'failed' }
  | { type: 'timer.fired'; id: string }
  | { type: 'http.done'; requestId: string; status: number; body: unknown }
  | { type: 'http.error'; requestId: string; code: string; message: string }
  | { type: 'check.result'; checkId: string; outcome: string }
  | { type: 'transfer.done'; transferId: string }
  | { type: 'transfer.failed'; transferId: string; code: string; message: string }
  | { type: 'recording.done'; recordingId: string; reason: string; durationMs?: number }
  | { type: 'recording.failed'; recordingId: string; code: string }
  /** A `record` step's request was carried out (`recordingId` for `start`). */
  | { type: 'recording.applied'; requestId: string; recordingId?: string }
  | { type: 'recording.error'; requestId: string; code: string; message: string }
  | { type: 'queue.answered'; queue: string; agentId: string }
  | { type: 'queue.done'; queue: string }
  | { type: 'queue.error'; queue: string; code: string; message?: string }
  | { type: 'queue.timeout'; queue: string; action: 'leave' | 'voicemail' | 'callback' }
  | {
      type: 'queue.status';
      checkId: string;
      position: number;
      ewtMinutes: number;
      /** Announce at least this often even when nothing changed (the queue file's `announce.every`). */
      everyMs: number;
      sayPosition: boolean;
      sayWait: boolean;
    }
  /** Answer to an `effect.callback` request (`data`: the op's result, `code` when it failed). */
  | { type: 'callback.result'; requestId: string; ok: boolean; code?: string; data?: CallbackResultData }
  | { type: 'session.resumed' };

/** What a callback request answers with: the callback's id, the slots offered, a pending callback. */
export interface CallbackResultData {
  callbackId?: string;
  slots?: Array<{ key: string; label: string }>;
}

/** Operations of a `callback` step on the callback service (see `CallbackHost`). */
export type CallbackOp = 'keep-place' | 'slots' | 'book' | 'pending' | 'cancel';

/**
 * Effects the flow machine emits (XState `emit`). The machine stays pure; the session's effect
 * runner performs them on the telephony port and feeds results back as {@link FlowEvent}s.
 */
export type FlowEffect =
  | { type: 'effect.step'; step: string; kind: string }
  | { type: 'effect.play'; step: string; playbackId: string; media: Media[]; bargeIn: boolean }
  | { type: 'effect.stop-play'; playbackId: string }
  | { type: 'effect.timer-start'; id: string; ms: number }
  | { type: 'effect.timer-cancel'; id: string }
  | {
      type: 'effect.http';
      step: string;
      requestId: string;
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      url: string;
      headers: Record<string, string>;
      body?: unknown;
      timeoutMs: number;
    }
  | { type: 'effect.check-hours'; checkId: string; spec: { timezone: string; weekly: Record<string, string | string[]>; holidays?: unknown[] } }
  | { type: 'effect.transfer'; step: string; transferId: string; to: string }
  | { type: 'effect.record'; step: string; recordingId: string; maxDurationMs: number; beep: boolean; terminateOn?: string }
  | { type: 'effect.hold'; on: boolean }
  /**
   * A recording request to the call's RecordingService: a `record` step's (`reason: flow`, with
   * a `requestId` answered by `recording.applied`/`recording.error`), or a sensitive step's
   * pause on entry and resume on exit (`reason: sensitive`, no answer).
   */
  | { type: 'effect.recording'; step: string; action: 'start' | 'stop' | 'pause' | 'resume'; reason: 'flow' | 'sensitive'; requestId?: string }
  | { type: 'effect.queue-join'; step: string; queue: string; priority?: number }
  | { type: 'effect.queue-leave'; queue: string; reason: 'abandoned' | 'completed' | 'timeout' | 'left' }
  | { type: 'effect.queue-status'; checkId: string; queue: string }
  | { type: 'effect.queue-connect'; queue: string }
  | {
      type: 'effect.callback';
      step: string;
      requestId: string;
      op: CallbackOp;
      queue: string;
      /** The number to call back (caller ID or keyed, unchecked: the host checks it). */
      number: string;
      slotKey?: string;
      callbackId?: string;
    }
  | { type: 'effect.speech'; on: boolean; language?: string; hints?: string[] }
  | { type: 'effect.hangup'; cause: 'normal' | 'busy' | 'rejected' | 'unavailable' }
  | { type: 'effect.end'; outcome: string }
  /** Nothing to do (an action that decided, from the event, to emit nothing). */
  | { type: 'effect.none' };

/** Context of a flow machine: plain data, persisted with the snapshot. */
export interface FlowContext {
  callId: string;
  from: string;
  to: string;
  vars: Record<string, unknown>;
  settings: Record<string, string>;
  /** Variables holding sensitive input: redacted in logs and the API. */
  secureVars: string[];
  /** Monotonic counter that makes effect ids unique and deterministic. */
  seq: number;
  /** The playback the current step waits for. */
  playing: string | null;
  /** The request or check the current step waits for. */
  pending: string | null;
  /** Failed attempts of the current menu or gather. */
  attempts: number;
  /** Digits collected by the current gather. */
  digits: string;
  /** The current gather saw its terminator. */
  terminated: boolean;
  /** Results of `http` steps attached for the agent's screen pop. */
  screenPop: Record<string, unknown>;
  lastError: { code: string; message: string } | null;
  outcome: string | null;
  /** A `record` step paused the recording and none resumed it (re-issued when a call is resumed). */
  recordingPaused?: boolean;
  /** Music on hold is playing (the queue wait asked for it and has not stopped it). */
  held?: boolean;
  /** Progress of the current queue wait: what was last said, so announcements repeat only on change or period. */
  queue?: QueueProgress | null;
  /** The current `callback` step's working state: number to call, slots offered, callback found. */
  callback?: { number: string; slots: Array<{ key: string; label: string }>; callbackId: string | null; chosen?: string } | null;
}

/** What a caller waiting in a queue was last told. */
export interface QueueProgress {
  position: number | null;
  ewtMinutes: number | null;
  announcedPosition: number | null;
  announcedEwt: number | null;
  /** Time since the last announcement, counted in status checks. */
  sinceAnnounceMs: number;
  /** What the queue file says to announce. */
  sayPosition?: boolean;
  sayWait?: boolean;
  /** Time in line, counted in status checks (what the callback offer's `after` compares with). */
  waitedMs?: number;
  /** The queue step's callback offer: `due` once its time came (said at the next announcement), then `said`. */
  callbackOffer?: 'due' | 'said';
}

/** Input to create a flow actor. */
export interface FlowInput {
  callId: string;
  from: string;
  to: string;
  vars?: Record<string, unknown>;
  settings: Record<string, string>;
}
