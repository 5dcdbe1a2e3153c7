import { randomUUID } from 'node:crypto';
import type {
  CallLeg, DriverName, HangupCause, LegEvent, Media, PlayOptions, RecordOptions, TransferTarget,
} from '../../ports/telephony.ts';
import type { Logger } from '../../ports/logger.ts';
import { isHotlineError } from '../../core/errors.ts';
import type { EslConnection } from './esl-connection.ts';
import type { EslEvent } from './esl-parser.ts';
import { callEnded, causeFromFreeSwitch, causeToFreeSwitch, eslError, isEslFailure } from './esl-errors.ts';
import { assertDtmf, assertSafeId, assertTarget, assertVarName, assertVarValue } from './esl-escape.ts';
import { playbackArgument, TONES, type MediaPaths } from './esl-media.ts';
import { LegRecordings } from './esl-recordings.ts';

/** How a leg reaches FreeSWITCH. */
export interface EslLegOptions {
  /** The connection commands go to: the leg's outbound socket, or the inbound connection. */
  connection: () => EslConnection;
  /** True when controlled over its own outbound socket (`sendmsg` without uuid). */
  viaSocket: boolean;
  paths: MediaPaths;
  logger: Logger;
  /** Dialplan context for number transfers. */
  transferContext: string;
  /** Called once the leg is gone (hung up, transferred away or detached). */
  onGone: (leg: EslCallLeg) => void;
  /** Event-UUIDs of executes (replay tests pin the captured ones). */
  newId?: () => string;
}

interface Execute {
  app: string;
  started: boolean;
  resolve: (response: string) => void;
  reject: (err: Error) => void;
  playbackId?: string;
}

interface Playback {
  appUuid: string;
  bargeIn: boolean;
  started: boolean;
  announced: boolean;
  stopRequested: boolean;
  done: boolean;
}

/**
 * One FreeSWITCH channel. Executes carry `event-lock: true` so FreeSWITCH runs them one after
 * another instead of nesting them (README behaviour 3), and completions are matched by
 * `Application-UUID` (the `Event-UUID` we send). Barge-in and `stopPlayback` use `uuid_break`:
 * it stops exactly the playback that runs, and `playback_terminators=none` (set on first contact)
 * keeps FreeSWITCH's default `*` terminator from cutting prompts that are not barge-in.
 */
export class EslCallLeg implements CallLeg {
  readonly driver: DriverName = 'esl';
  readonly id: string;
  readonly direction: 'inbound' | 'outbound';
  readonly from: string;
  readonly to: string;
  readonly callerName?: string;

  readonly #opts: EslLegOptions;
  readonly #log: Logger;
  #listeners = new Set<(event: LegEvent) => void>();
  #executes = new Map<string, Execute>();
  #playbacks = new Map<string, Playback>();
  #recordings: LegRecordings;
  #answered = false;
  #hangupSent = false;
  #hungUp = false;
  #gone = false;
  #holdUuid: string | undefined;

  constructor(
    info: { id: string; direction: 'inbound' | 'outbound'; from: string; to: string; callerName?: string },
    options: EslLegOptions,
  ) {
    this.id = info.id;
    this.direction = info.direction;
    this.from = info.from;
    this.to = info.to;
    if (info.callerName) this.callerName = info.callerName;
    this.#opts = options;
    this.#log = options.logger.child({ legId: info.id });
    this.#recordings = new LegRecordings({
      legId: info.id,
      recordingsDir: options.paths.recordingsDir,
      api: (cmd) => this.#api(cmd),
      playBeep: () => this.#execute('playback', TONES.beep).done.then(() => undefined),
      emit: (event) => this.#emit(event),
    });
  }

  /** True once the leg hung up, left Hotline, or lost its socket. */
  get ended(): boolean {
    return this.#gone || this.#hungUp;
  }

  get answered(): boolean {
    return this.#answered;
  }

  subscribe(listener: (event: LegEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async answer(): Promise<void> {
    this.#assertLive();
    if (this.#answered) return;
    await this.#execute('answer').done;
  }

  async play(media: readonly Media[], options: PlayOptions): Promise<void> {
    this.#assertLive();
    if (this.#playbacks.has(options.playbackId)) return;
    const arg = await playbackArgument(media, this.#opts.paths);
    this.#assertLive();
    if (this.#playbacks.has(options.playbackId)) return;
    const exec = this.#execute('playback', arg, options.playbackId);
    this.#playbacks.set(options.playbackId, {
      appUuid: exec.appUuid, bargeIn: options.bargeIn, started: false, announced: false, stopRequested: false, done: false,
    });
    exec.done.catch(() => {});
    try {
      await exec.accepted;
    } catch (err) {
      this.#playbacks.delete(options.playbackId);
      throw err;
    }
  }

  async stopPlayback(playbackId: string): Promise<void> {
    const pb = this.#playbacks.get(playbackId);
    if (!pb || pb.done || pb.stopRequested || this.ended) return;
    pb.stopRequested = true;
    // Not started yet: broken the moment its CHANNEL_EXECUTE arrives.
    if (pb.started) await this.#break();
  }

  async hangup(cause?: HangupCause): Promise<void> {
    if (this.ended || this.#hangupSent) return;
    this.#hangupSent = true;
    const headers = { 'call-command': 'hangup', 'hangup-cause': causeToFreeSwitch(cause) };
    try {
      await this.#opts.connection().sendmsg(this.#opts.viaSocket ? undefined : this.id, headers);
    } catch (err) {
      // Already gone is what we wanted.
      if (isHotlineError(err, 'HOTLINE_ERR_CALL_ENDED') || this.ended) return;
      this.#hangupSent = false;
      throw err;
    }
  }

  async setVariable(name: string, value: string): Promise<void> {
    this.#assertLive();
    await this.#api(`uuid_setvar ${this.id} ${assertVarName(name)} ${assertVarValue(value)}`);
  }

  async getVariable(name: string): Promise<string | undefined> {
    this.#assertLive();
    // uuid_getvar answers the bare value, no trailing newline; `_undef_` when unset.
    const value = await this.#api(`uuid_getvar ${this.id} ${assertVarName(name)}`);
    return value === '_undef_' ? undefined : value;
  }

  async sendDtmf(digits: string): Promise<void> {
    this.#assertLive();
    await this.#api(`uuid_send_dtmf ${this.id} ${assertDtmf(digits)}`);
  }

  async startHold(options?: { mohClass?: string }): Promise<void> {
    this.#assertLive();
    if (this.#holdUuid) return;
    const moh = `local_stream://${assertSafeId(options?.mohClass ?? 'moh', 'mohClass')}`;
    const exec = this.#execute('playback', moh);
    this.#holdUuid = exec.appUuid;
    exec.done.catch(() => {}).finally(() => {
      if (this.#holdUuid === exec.appUuid) this.#holdUuid = undefined;
    });
    await exec.accepted;
  }

  async stopHold(): Promise<void> {
    if (!this.#holdUuid || this.ended) return;
    this.#holdUuid = undefined;
    await this.#break();
  }

  async startRecording(options: RecordOptions): Promise<void> {
    this.#assertLive();
    await this.#recordings.start(options);
  }

  async stopRecording(recordingId: string): Promise<void> {
    if (this.ended) return;
    await this.#recordings.stop(recordingId, 'stopped');
  }

  async pauseRecording(recordingId: string): Promise<void> {
    this.#assertLive();
    await this.#recordings.mask(recordingId, true);
  }

  async resumeRecording(recordingId: string): Promise<void> {
    this.#assertLive();
    await this.#recordings.mask(recordingId, false);
  }

  /** `uuid_record … mask`: FreeSWITCH writes silence, so the file keeps its timeline (PCI pauses). */
  async muteRecording(recordingId: string): Promise<void> {
    return this.pauseRecording(recordingId);
  }

  async unmuteRecording(recordingId: string): Promise<void> {
    return this.resumeRecording(recordingId);
  }

  async transfer(target: TransferTarget): Promise<void> {
    this.#assertLive();
    const value = assertTarget(target.value);
    // Inline dialplan for endpoints: the target alphabet has no `,` or `:` to split on.
    const cmd = target.kind === 'endpoint'
      ? `uuid_transfer ${this.id} bridge:${value} inline`
      : `uuid_transfer ${this.id} ${value} XML ${this.#opts.transferContext}`;
    await this.#api(cmd);
    this.#markGone();
  }

  /** Feeds one FreeSWITCH event of this channel. */
  handleEvent(event: EslEvent): void {
    const h = event.headers;
    switch (event.name) {
      case 'CHANNEL_ANSWER':
        this.markAnswered();
        break;
      case 'CHANNEL_EXECUTE': {
        const exec = this.#executes.get(h['Application-UUID'] ?? '');
        if (!exec) break;
        exec.started = true;
        const pb = exec.playbackId ? this.#playbacks.get(exec.playbackId) : undefined;
        if (pb) {
          pb.started = true;
          if (pb.stopRequested) void this.#break().catch(() => {});
        }
        break;
      }
      case 'PLAYBACK_START': {
        // PLAYBACK_START names no Application-UUID: it belongs to the latest playback started.
        let latest: [string, Playback] | undefined;
        for (const entry of this.#playbacks) if (entry[1].started && !entry[1].done && !entry[1].announced) latest = entry;
        if (latest) {
          latest[1].announced = true;
          this.#emit({ type: 'prompt.started', playbackId: latest[0] });
        }
        break;
      }
      case 'CHANNEL_EXECUTE_COMPLETE':
        this.#onExecuteComplete(h['Application-UUID'] ?? '', h['Application-Response'] ?? '');
        break;
      case 'DTMF':
        this.#onDtmf(h['DTMF-Digit'] ?? '', h['DTMF-Duration']);
        break;
      case 'RECORD_STOP':
        // With only HANGUP_COMPLETE subscribed, RECORD_STOP is the first sign of the hangup.
        this.#recordings.onRecordStop(h['Record-File-Path'] ?? '', {
          hungUp: this.#hungUp || h['Answer-State'] === 'hangup',
          recordMs: h['variable_record_ms'] === undefined ? undefined : Number(h['variable_record_ms']),
        });
        break;
      case 'CHANNEL_HANGUP':
      case 'CHANNEL_HANGUP_COMPLETE':
        this.#onHangup(h['Hangup-Cause']);
        break;
      default:
        break;
    }
  }

  /** The far end answered (CHANNEL_ANSWER, or the originate job's `+OK`). */
  markAnswered(): void {
    if (this.#answered || this.ended) return;
    this.#answered = true;
    this.#emit({ type: 'call.answered' });
  }

  /** The leg ended without ever being up (originate `-ERR <CAUSE>`), or FreeSWITCH hung it up. */
  markHangup(fsCause: string | undefined): void {
    this.#onHangup(fsCause);
  }

  /** The control socket went away without a hangup: Hotline no longer controls the channel. */
  markDetached(): void {
    if (this.ended) return;
    this.#log.warn('outbound socket closed before hangup; the dialplan continues on FreeSWITCH');
    this.#markGone();
  }

  #onExecuteComplete(appUuid: string, response: string): void {
    const exec = this.#executes.get(appUuid);
    if (!exec) return;
    this.#executes.delete(appUuid);
    exec.resolve(response);
    if (!exec.playbackId) return;
    const pb = this.#playbacks.get(exec.playbackId);
    if (!pb || pb.done) return;
    pb.done = true;
    const reason = response === 'FILE PLAYED' ? (pb.stopRequested ? 'stopped' : 'finished') : 'failed';
    if (reason === 'failed') this.#log.warn({ playbackId: exec.playbackId, response }, 'playback failed');
    this.#emit({ type: 'prompt.done', playbackId: exec.playbackId, reason });
  }

  #onDtmf(digit: string, duration: string | undefined): void {
    if (!digit || this.ended) return;
    const samples = Number(duration);
    // DTMF-Duration is in samples at 8 kHz: 2000 samples = 250 ms.
    this.#emit(Number.isFinite(samples) && duration !== undefined
      ? { type: 'call.dtmf', digit, durationMs: Math.round(samples / 8) }
      : { type: 'call.dtmf', digit });
    const current = this.#currentPlayback();
    if (current && current[1].bargeIn && !current[1].stopRequested) {
      current[1].stopRequested = true;
      void this.#break().catch((err: Error) => this.#log.debug({ err: err.message }, 'barge-in break failed'));
    }
    this.#recordings.onDtmf(digit);
  }

  #onHangup(fsCause: string | undefined): void {
    if (this.#hungUp) return;
    this.#hungUp = true;
    const wasGone = this.#gone;
    for (const exec of this.#executes.values()) if (!exec.started) exec.reject(callEnded(this.id));
    for (const [id, exec] of [...this.#executes]) if (!exec.started) this.#executes.delete(id);
    if (!wasGone) this.#emit({ type: 'call.hangup', cause: causeFromFreeSwitch(fsCause), by: this.#hangupSent ? 'local' : 'remote' });
    this.#opts.onGone(this);
  }

  #markGone(): void {
    if (this.#gone) return;
    this.#gone = true;
    for (const exec of this.#executes.values()) exec.reject(callEnded(this.id));
    this.#executes.clear();
    this.#opts.onGone(this);
  }

  /** The innermost running playback (the one a DTMF or uuid_break reaches). */
  #currentPlayback(): [string, Playback] | undefined {
    let current: [string, Playback] | undefined;
    for (const entry of this.#playbacks) if (entry[1].started && !entry[1].done) current = entry;
    return current;
  }

  #execute(app: string, arg?: string, playbackId?: string): { appUuid: string; accepted: Promise<void>; done: Promise<string> } {
    const appUuid = (this.#opts.newId ?? randomUUID)();
    let exec!: Execute;
    const done = new Promise<string>((resolve, reject) => {
      exec = { app, started: false, resolve, reject };
      if (playbackId) exec.playbackId = playbackId;
    });
    done.catch(() => {});
    this.#executes.set(appUuid, exec);
    const headers: Record<string, string> = { 'call-command': 'execute', 'execute-app-name': app };
    if (arg !== undefined) headers['execute-app-arg'] = arg;
    headers['Event-UUID'] = appUuid;
    headers['event-lock'] = 'true';
    let accepted: Promise<void>;
    try {
      accepted = this.#opts.connection().sendmsg(this.#opts.viaSocket ? undefined : this.id, headers);
    } catch (err) {
      accepted = Promise.reject(err);
    }
    accepted = accepted.catch((err: unknown) => {
      this.#executes.delete(appUuid);
      exec.reject(err as Error);
      throw this.ended ? callEnded(this.id) : err;
    });
    return { appUuid, accepted, done };
  }

  async #break(): Promise<void> {
    await this.#api(`uuid_break ${this.id}`).catch((err: unknown) => {
      if (!isHotlineError(err, 'HOTLINE_ERR_CALL_ENDED')) throw err;
    });
  }

  async #api(cmd: string): Promise<string> {
    const body = await this.#opts.connection().api(cmd);
    if (isEslFailure(body)) throw eslError(body, { legId: this.id, command: cmd.split(' ')[0] });
    return body;
  }

  #assertLive(): void {
    if (this.ended) throw callEnded(this.id);
  }

  #emit(event: LegEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.#log.error({ err: (err as Error).message, event: event.type }, 'leg listener threw');
      }
    }
  }
}
