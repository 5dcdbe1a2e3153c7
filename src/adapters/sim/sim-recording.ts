import type { Clock, TimerHandle } from '../../ports/clock.ts';
import type { LegEvent, RecordOptions } from '../../ports/telephony.ts';
import { hotlineError } from '../../core/errors.ts';

/** Why a recording ended (the `reason` of `recording.done`). */
export type SimRecordingEnd = Extract<LegEvent, { type: 'recording.done' }>['reason'];

/**
 * One recording as the simulated PBX kept it: enough to render the audio later (start, end and
 * the paused intervals to cut out). Times are on the clock of the leg or bridge recorded.
 */
export interface SimRecording {
  readonly recordingId: string;
  readonly startedAt: number;
  endedAt?: number;
  /** Intervals when recording was paused (`to` unset while still paused). */
  readonly paused: Array<{ from: number; to?: number }>;
  /** Intervals recorded as silence (muted; kept in the timeline, unlike pauses). */
  readonly muted: Array<{ from: number; to?: number }>;
  reason?: SimRecordingEnd;
  /** Audio kept: wall length minus paused time (set when it ends). */
  durationMs?: number;
  readonly maxDurationMs?: number;
  readonly terminateOn?: string;
  readonly beep: boolean;
}

type RecordingEvent = Extract<LegEvent, { type: 'recording.done' }>;

/** Recordings of one leg or bridge, on its clock. */
export class SimRecorder {
  readonly #clock: Clock;
  readonly #emit: (event: RecordingEvent) => void;
  readonly #onEnd: ((recording: SimRecording) => void) | undefined;
  readonly #all = new Map<string, SimRecording>();
  /** Max-duration timers of running (not paused) recordings. */
  readonly #timers = new Map<string, TimerHandle>();

  /**
   * @param onEnd runs when a recording ends, before its `recording.done` is emitted, so the
   *   audio is already being written when anyone reacts to the event.
   */
  constructor(clock: Clock, emit: (event: RecordingEvent) => void, onEnd?: (recording: SimRecording) => void) {
    this.#clock = clock;
    this.#emit = emit;
    this.#onEnd = onEnd;
  }

  all(): SimRecording[] {
    return [...this.#all.values()];
  }

  activeIds(): string[] {
    return this.all().filter((r) => r.endedAt === undefined).map((r) => r.recordingId);
  }

  /**
   * Recordings not capturing audio right now (muted or paused). Audio produced now is kept out
   * of them even where it runs past the unmute: a card number keyed in one go must not leak
   * into the recording because the simulated clock did not move while it was keyed.
   */
  silencedIds(): Set<string> {
    const ids = new Set<string>();
    for (const r of this.#all.values()) {
      if (r.endedAt === undefined && (isOpen(r.paused) || isOpen(r.muted))) ids.add(r.recordingId);
    }
    return ids;
  }

  /** Starts a recording; an id already known is a no-op (idempotent replay). */
  start(options: RecordOptions): void {
    if (this.#all.has(options.recordingId)) return;
    const recording: SimRecording = {
      recordingId: options.recordingId,
      startedAt: this.#clock.now(),
      paused: [],
      muted: [],
      beep: options.beep ?? false,
      ...(options.maxDurationMs !== undefined ? { maxDurationMs: options.maxDurationMs } : {}),
      ...(options.terminateOn !== undefined ? { terminateOn: options.terminateOn } : {}),
    };
    this.#all.set(recording.recordingId, recording);
    this.#arm(recording);
  }

  /** Stops a recording; stopping one that already ended resolves (idempotent). */
  stop(recordingId: string, reason: SimRecordingEnd = 'stopped'): void {
    const recording = this.#get(recordingId);
    if (recording.endedAt !== undefined) return;
    this.#end(recording, reason);
  }

  pause(recordingId: string): void {
    const recording = this.#running(recordingId);
    if (isPaused(recording)) return;
    this.#disarm(recordingId);
    recording.paused.push({ from: this.#clock.now() });
  }

  resume(recordingId: string): void {
    const recording = this.#running(recordingId);
    const open = recording.paused.at(-1);
    if (!open || open.to !== undefined) return;
    open.to = this.#clock.now();
    this.#arm(recording);
  }

  mute(recordingId: string): void {
    const recording = this.#running(recordingId);
    const open = recording.muted.at(-1);
    if (open && open.to === undefined) return;
    recording.muted.push({ from: this.#clock.now() });
  }

  unmute(recordingId: string): void {
    const recording = this.#running(recordingId);
    const open = recording.muted.at(-1);
    if (open && open.to === undefined) open.to = this.#clock.now();
  }

  /** A caller's digit: ends recordings whose `terminateOn` it is. */
  digit(digit: string): void {
    for (const r of this.all()) if (r.endedAt === undefined && r.terminateOn === digit) this.#end(r, 'terminated');
  }

  /** Ends everything still running (hang-up, bridge torn down). */
  terminate(reason: SimRecordingEnd): void {
    for (const r of this.all()) if (r.endedAt === undefined) this.#end(r, reason);
  }

  #end(recording: SimRecording, reason: SimRecordingEnd): void {
    this.#disarm(recording.recordingId);
    const now = this.#clock.now();
    const open = recording.paused.at(-1);
    if (open && open.to === undefined) open.to = now;
    const muted = recording.muted.at(-1);
    if (muted && muted.to === undefined) muted.to = now;
    recording.endedAt = now;
    recording.reason = reason;
    recording.durationMs = recordedMs(recording, now);
    this.#onEnd?.(recording);
    this.#emit({ type: 'recording.done', recordingId: recording.recordingId, reason, durationMs: recording.durationMs });
  }

  /** Max duration counts recorded audio, so the timer pauses with the recording. */
  #arm(recording: SimRecording): void {
    if (recording.maxDurationMs === undefined) return;
    const left = recording.maxDurationMs - recordedMs(recording, this.#clock.now());
    this.#timers.set(
      recording.recordingId,
      this.#clock.setTimeout(() => {
        this.#timers.delete(recording.recordingId);
        if (recording.endedAt === undefined) this.#end(recording, 'max-duration');
      }, left),
    );
  }

  #disarm(recordingId: string): void {
    const timer = this.#timers.get(recordingId);
    if (timer) this.#clock.clearTimeout(timer);
    this.#timers.delete(recordingId);
  }

  #get(recordingId: string): SimRecording {
    const recording = this.#all.get(recordingId);
    if (!recording) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `no recording ${recordingId}`, { recordingId });
    return recording;
  }

  #running(recordingId: string): SimRecording {
    const recording = this.#get(recordingId);
    if (recording.endedAt !== undefined) {
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `recording ${recordingId} has ended`, { recordingId });
    }
    return recording;
  }
}

function isOpen(intervals: ReadonlyArray<{ to?: number }>): boolean {
  const open = intervals.at(-1);
  return open !== undefined && open.to === undefined;
}

function isPaused(recording: SimRecording): boolean {
  const open = recording.paused.at(-1);
  return open !== undefined && open.to === undefined;
}

/** Recorded audio up to `now`: elapsed time minus the paused intervals. */
export function recordedMs(recording: SimRecording, now: number): number {
  const end = recording.endedAt ?? now;
  const paused = recording.paused.reduce((sum, p) => sum + ((p.to ?? end) - p.from), 0);
  return Math.max(0, end - recording.startedAt - paused);
}
