import { hotlineError } from '../../core/errors.ts';
import type { LegEvent, RecordOptions } from '../../ports/telephony.ts';
import { assertDtmf, assertSafeId } from './esl-escape.ts';

type DoneReason = Extract<LegEvent, { type: 'recording.done' }>['reason'];

interface Recording {
  id: string;
  path: string;
  startedAt: number;
  maxDurationMs?: number;
  terminateOn?: string;
  reason?: DoneReason;
  done: boolean;
}

/** What {@link LegRecordings} needs from its leg. */
export interface RecordingDeps {
  legId: string;
  recordingsDir: string;
  api: (cmd: string) => Promise<string>;
  playBeep: () => Promise<void>;
  emit: (event: LegEvent) => void;
  now?: () => number;
}

/**
 * A leg's recordings over `uuid_record <uuid> start|stop|mask|unmask <path>` (pause = mask,
 * resume = unmask: the file keeps running with silence, as in `record.jsonl`). RECORD_STOP ends
 * one, whoever stopped it; the reason is what we asked for, else what must have happened.
 */
export class LegRecordings {
  readonly #deps: RecordingDeps;
  #byId = new Map<string, Recording>();

  constructor(deps: RecordingDeps) {
    this.#deps = deps;
  }

  async start(options: RecordOptions): Promise<void> {
    const id = assertSafeId(options.recordingId, 'recordingId');
    if (this.#byId.has(id)) return;
    if (options.terminateOn !== undefined) assertDtmf(options.terminateOn);
    const path = `${this.#deps.recordingsDir}/${id}.wav`;
    const rec: Recording = { id, path, startedAt: this.#now(), done: false };
    if (options.maxDurationMs) rec.maxDurationMs = options.maxDurationMs;
    if (options.terminateOn) rec.terminateOn = options.terminateOn;
    this.#byId.set(id, rec);
    try {
      if (options.beep) await this.#deps.playBeep();
      const limit = options.maxDurationMs ? ` ${Math.max(1, Math.ceil(options.maxDurationMs / 1000))}` : '';
      await this.#deps.api(`uuid_record ${this.#deps.legId} start ${path}${limit}`);
    } catch (err) {
      this.#byId.delete(id);
      throw err;
    }
  }

  async stop(recordingId: string, reason: DoneReason): Promise<void> {
    const rec = this.#byId.get(recordingId);
    if (!rec || rec.done || rec.reason) return;
    rec.reason = reason;
    await this.#deps.api(`uuid_record ${this.#deps.legId} stop ${rec.path}`);
  }

  async mask(recordingId: string, on: boolean): Promise<void> {
    const rec = this.#byId.get(recordingId);
    if (!rec || rec.done) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `no active recording ${recordingId}`, { recordingId });
    await this.#deps.api(`uuid_record ${this.#deps.legId} ${on ? 'mask' : 'unmask'} ${rec.path}`);
  }

  /** A digit the caller pressed: ends recordings that stop on it. */
  onDtmf(digit: string): void {
    for (const rec of this.#byId.values()) {
      if (!rec.done && !rec.reason && rec.terminateOn === digit) void this.stop(rec.id, 'terminated').catch(() => {});
    }
  }

  /** RECORD_STOP with its `Record-File-Path`. */
  onRecordStop(path: string, facts: { hungUp: boolean; recordMs?: number | undefined }): void {
    const { hungUp } = facts;
    for (const rec of this.#byId.values()) {
      if (rec.path !== path || rec.done) continue;
      rec.done = true;
      const elapsed = this.#now() - rec.startedAt;
      const reason: DoneReason = rec.reason ?? (hungUp ? 'hangup' : rec.maxDurationMs && elapsed >= rec.maxDurationMs - 1000 ? 'max-duration' : 'stopped');
      const durationMs = facts.recordMs !== undefined && Number.isFinite(facts.recordMs) ? facts.recordMs : elapsed;
      this.#deps.emit({ type: 'recording.done', recordingId: rec.id, reason, durationMs });
    }
  }

  #now(): number {
    return (this.#deps.now ?? Date.now)();
  }
}
