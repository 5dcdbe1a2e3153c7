/**
 * The telephony port: what the core needs from a PBX. One driver per PBX (`sim`, `ari`, `esl`),
 * one {@link CallLeg} per channel. Optional capabilities are optional members; the core checks
 * for them and answers `HOTLINE_ERR_UNSUPPORTED` where a flow needs one a driver lacks.
 *
 * Events flow one way: the driver turns PBX traffic into {@link LegEvent}s (dotted names), the
 * call's session reacts and calls the leg's methods. Methods resolve when the PBX accepted the
 * command, not when media finished: completion arrives as an event (`prompt.done`, ...).
 * Every method rejects with a `HotlineError` (never a vendor error); a command on a leg that
 * is gone rejects with `HOTLINE_ERR_CALL_ENDED`.
 */

/** Which PBX a driver talks to. */
export type DriverName = 'sim' | 'ari' | 'esl';

/** One piece of media to play. Sound names are prompt names from `sounds/` without extension. */
export type Media =
  | { kind: 'sound'; name: string }
  | { kind: 'text'; text: string; voice?: string }
  | { kind: 'digits'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'tone'; name: ToneName }
  | { kind: 'recording'; name: string };

/** Tones every driver can generate. */
export type ToneName = 'ring' | 'busy' | 'beep' | 'congestion' | 'dial';

/** Why a leg ended, in PBX-neutral terms. Drivers map Q.850 causes onto these. */
export type HangupCause =
  | 'normal'
  | 'busy'
  | 'no-answer'
  | 'rejected'
  | 'unavailable'
  | 'congestion'
  | 'failed';

/** Events a leg emits. Names are dotted and lower case. */
export type LegEvent =
  | { type: 'call.answered' }
  | { type: 'call.dtmf'; digit: string; durationMs?: number }
  | { type: 'call.speech'; text: string; confidence?: number }
  | { type: 'prompt.started'; playbackId: string }
  | { type: 'prompt.done'; playbackId: string; reason: 'finished' | 'stopped' | 'failed' }
  | {
      type: 'recording.done';
      recordingId: string;
      reason: 'stopped' | 'terminated' | 'max-duration' | 'failed' | 'hangup';
      durationMs?: number;
    }
  | { type: 'call.hangup'; cause: HangupCause; by: 'remote' | 'local' };

/** Options of {@link CallLeg.play}. */
export interface PlayOptions {
  /**
   * Caller-chosen id, used for idempotency: playing an id the driver already knows is a no-op,
   * and the `prompt.*` events of this playback carry it.
   */
  playbackId: string;
  /** Stop the playback on the caller's first DTMF digit (the digit is still delivered). */
  bargeIn: boolean;
}

/** Options of {@link CallLeg.startRecording}. */
export interface RecordOptions {
  /** Caller-chosen id; also the recording's name on the PBX. Idempotent like playbacks. */
  recordingId: string;
  /** Stop after this long. */
  maxDurationMs?: number;
  /** Play a beep before recording. */
  beep?: boolean;
  /** A DTMF digit that ends the recording (`#`). */
  terminateOn?: string;
}

/** A transfer destination: a number (dialled out through the PBX) or a PBX endpoint (`PJSIP/200`). */
export interface TransferTarget {
  kind: 'number' | 'endpoint';
  value: string;
}

/** Static facts about a leg. */
export interface LegInfo {
  /** The PBX's own id (Asterisk channel id, FreeSWITCH UUID, sim id). Inbound calls use it as call id. */
  readonly id: string;
  readonly driver: DriverName;
  readonly direction: 'inbound' | 'outbound';
  /** Caller ID number as the PBX presented it (untrusted caller input). */
  readonly from: string;
  /** Caller ID name, when the PBX has one (untrusted caller input). */
  readonly callerName?: string;
  /** Dialled number (inbound) or the destination dialled (outbound). */
  readonly to: string;
}

/** One channel on the PBX. */
export interface CallLeg extends LegInfo {
  /**
   * The leg's own clock, when the PBX has one (the simulated PBX gives each call a manual clock
   * so tests and `hotline simulate` run timeouts instantly). Sessions use it for their timers;
   * legs without one run on the system clock.
   */
  readonly clock?: import('./clock.ts').Clock;
  /** Listens to this leg's events; returns an unsubscribe function. */
  subscribe(listener: (event: LegEvent) => void): () => void;
  answer(): Promise<void>;
  /** Starts playing `media` in order; `prompt.done` follows with the same `playbackId`. */
  play(media: readonly Media[], options: PlayOptions): Promise<void>;
  /** Stops a playback; idempotent (stopping a finished playback resolves). */
  stopPlayback(playbackId: string): Promise<void>;
  /** Hangs up; idempotent (hanging up a gone leg resolves). */
  hangup(cause?: HangupCause): Promise<void>;

  setVariable?(name: string, value: string): Promise<void>;
  getVariable?(name: string): Promise<string | undefined>;
  sendDtmf?(digits: string): Promise<void>;
  /** Music on hold to this leg until {@link CallLeg.stopHold}. */
  startHold?(options?: { mohClass?: string }): Promise<void>;
  stopHold?(): Promise<void>;
  startRecording?(options: RecordOptions): Promise<void>;
  stopRecording?(recordingId: string): Promise<void>;
  /** Suspends recording: the paused time is left out of the file. */
  pauseRecording?(recordingId: string): Promise<void>;
  resumeRecording?(recordingId: string): Promise<void>;
  /**
   * Records silence instead of the audio until unmuted: the file keeps its timeline with a
   * silent gap (what a PCI pause around card digits wants).
   */
  muteRecording?(recordingId: string): Promise<void>;
  unmuteRecording?(recordingId: string): Promise<void>;
  /** Starts speech recognition; results arrive as `call.speech` events. */
  startSpeech?(options: { language: string; hints?: string[] }): Promise<void>;
  stopSpeech?(): Promise<void>;
  /** Hands the call to another destination; the leg leaves Hotline. */
  transfer?(target: TransferTarget): Promise<void>;
}

/** A request to place an outbound call (agent legs, callbacks, supervisors). */
export interface OriginateRequest {
  /** Number or endpoint to call; validated by the core against the allowlist before it gets here. */
  to: string;
  /** Caller ID to present. */
  from?: string;
  callerName?: string;
  /** Give up ringing after this long. */
  timeoutMs: number;
  /** Channel variables to set on the new leg (values are escaped by the driver). */
  variables?: Record<string, string>;
  /** What the leg is for; drivers use it for routing into Hotline. */
  purpose: 'agent' | 'callback' | 'supervisor' | 'transfer';
}

/** A mixing bridge: every leg in it hears every other. */
export interface Bridge {
  readonly id: string;
  addLeg(legId: string): Promise<void>;
  removeLeg(legId: string): Promise<void>;
  /** Tears the bridge down; idempotent. Legs in it stay up. */
  destroy(): Promise<void>;
  startHold?(options?: { mohClass?: string }): Promise<void>;
  stopHold?(): Promise<void>;
  play?(media: readonly Media[], options: { playbackId: string }): Promise<void>;
  startRecording?(options: RecordOptions): Promise<void>;
  stopRecording?(recordingId: string): Promise<void>;
  pauseRecording?(recordingId: string): Promise<void>;
  resumeRecording?(recordingId: string): Promise<void>;
  muteRecording?(recordingId: string): Promise<void>;
  unmuteRecording?(recordingId: string): Promise<void>;
}

/** Supervisor modes: who hears the supervisor. */
export type SuperviseMode = 'listen' | 'whisper' | 'barge' | 'takeover';

/** Who supervises which call, and how. */
export interface SuperviseRequest {
  supervisionId: string;
  callerLegId: string;
  agentLegId: string;
  supervisorLegId: string;
  mode: SuperviseMode;
}

/** A supervisor's presence on a call, switchable without dropping the supervisor's leg. */
export interface Supervision {
  readonly id: string;
  setMode(mode: SuperviseMode): Promise<void>;
  end(): Promise<void>;
}

/** How the driver tells the core about a leg that enters Hotline. */
export interface IncomingCallInfo {
  /**
   * True when the leg was already known to Hotline before: re-attached after the event
   * connection came back (ARI) or re-entered the socket application (ESL). The core then
   * resumes the call's session from the store instead of starting the flow.
   */
  recovered: boolean;
  /** Variables the PBX handed over with the call (e.g. `hotline_dnis`). */
  variables?: Record<string, string>;
}

/** Handler the core registers with {@link TelephonyDriver.start}. */
export type IncomingCallHandler = (leg: CallLeg, info: IncomingCallInfo) => void;

/** A PBX driver. */
export interface TelephonyDriver {
  readonly name: DriverName;
  /** Connects and starts delivering inbound legs to `onCall`. Resolves once connected. */
  start(onCall: IncomingCallHandler): Promise<void>;
  /** Disconnects; live calls stay on the PBX (another node, or this one restarted, resumes them). */
  stop(): Promise<void>;
  /** True while the driver can take and control calls (`GET /ready`). */
  isReady(): boolean;
  /** Looks up a live leg this driver knows. */
  getLeg(legId: string): CallLeg | undefined;

  /** Places a call; the returned leg rings and emits `call.answered` or `call.hangup`. */
  originate?(request: OriginateRequest): Promise<CallLeg>;
  /**
   * A bridge: `mixing` (everyone hears everyone; the default) or `holding` (callers waiting
   * together, each hearing only the bridge's music or announcements).
   */
  createBridge?(options?: { id?: string; purpose?: string; kind?: 'mixing' | 'holding' }): Promise<Bridge>;
  /** Joins `supervisorLegId` to the call of `callerLegId` talking to `agentLegId`. */
  supervise?(request: SuperviseRequest): Promise<Supervision>;
  /**
   * True when this PBX can silence a running recording (mute, or pause): flows with sensitive
   * steps that record are refused where it cannot.
   */
  readonly canPauseRecordings?: boolean;
  /** Where finished recordings' audio can be fetched and deleted. */
  readonly recordingMedia?: import('./recordings.ts').RecordingMedia;
}
