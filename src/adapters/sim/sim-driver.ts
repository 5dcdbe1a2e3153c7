import { randomBytes } from 'node:crypto';
import { ManualClock } from '../clock/manual-clock.ts';
import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';
import type { SoundLibrary } from '../../ports/sounds.ts';
import type {
  IncomingCallHandler,
  OriginateRequest,
  SuperviseRequest,
  TelephonyDriver,
} from '../../ports/telephony.ts';
import { hotlineError } from '../../core/errors.ts';
import { audioPaths, type AudioPath } from './audio-paths.ts';
import { audibleIn, soundNames, type SimAudioSegment } from './sim-audio.ts';
import { defaultSimRecordingsDir, SimRecordingFiles } from './sim-recording-files.ts';
import type { SimRecording } from './sim-recording.ts';
import { renderRecording, renderWindow } from './sim-render.ts';
import { SimSoundSamples, soundFileLocator, type SoundFileLocator } from './sim-sound-samples.ts';
import { encodeWav } from './sim-wav.ts';
import { SimAgents, type SimAnswerMode } from './sim-agents.ts';
import { SimBridge } from './sim-bridge.ts';
import { SimLeg } from './sim-leg.ts';
import { SimSupervision } from './sim-supervision.ts';
import { assertDialable, assertNumber } from './sim-validate.ts';

/** Options of {@link SimTelephonyDriver}. */
export interface SimDriverOptions {
  /** Sound lengths make playbacks last as long as the real prompts. */
  sounds: SoundLibrary;
  /** Per-call clocks also follow wall time (a person driving a call from the browser). */
  realtime?: boolean;
  /** Where new clocks start when a call gives no `at`. Default `Date.now`. */
  now?: () => number;
  logger?: Logger;
  /**
   * Where finished recordings are written (`<id>.wav`). Default: a directory of this process
   * under the OS temp dir, removed by {@link SimTelephonyDriver.dispose}.
   */
  recordingsDir?: string;
  /**
   * The WAV file of a prompt, so recordings carry the real audio. Default: the sound library's
   * own files when it has them (`FsSoundLibrary`); prompts without a file get a stand-in voice.
   */
  soundFile?: SoundFileLocator;
}

/** A simulated inbound call. */
export interface SimPlaceCallRequest {
  /** Dialled number or extension. */
  to: string;
  /** Caller ID number. Default `+15555550100`. */
  from?: string;
  callerName?: string;
  /** Epoch ms: the call's clock starts there (business-hours tests). Default `now()`. */
  at?: number;
  /** Channel variables the PBX hands over with the call. */
  variables?: Record<string, string>;
}

/** An originate request with the simulator's extras. */
export type SimOriginateRequest = OriginateRequest & {
  /**
   * The far end answers by itself after this long. Also read from `variables.sim_auto_answer_ms`;
   * without either, a `sim:<agentId>` phone follows its agent's answer mode (see {@link SimAgents}).
   */
  autoAnswerAfterMs?: number;
};

/** Request of {@link SimTelephonyDriver.supervise}: the port's. */
export type SimSuperviseRequest = SuperviseRequest;

const DEFAULT_FROM = '+15555550100';
/** Ended legs kept for inspection (`findLeg`), oldest dropped first. */
const ENDED_LEGS_KEPT = 1000;

/**
 * The simulated PBX: runs in-process, needs no Asterisk or FreeSWITCH, and gives every call its
 * own {@link ManualClock} so a test (or `hotline simulate`) decides when time passes.
 *
 * @example
 * const driver = new SimTelephonyDriver({ sounds });
 * await driver.start((leg) => calls.handleIncoming(leg));
 * const leg = driver.placeCall({ to: '100', from: '+15551234567' });
 * await leg.pressDigits('2');
 */
export class SimTelephonyDriver implements TelephonyDriver {
  /** Recordings are muted (silence kept in the file) around sensitive steps. */
  readonly canPauseRecordings = true;
  readonly name = 'sim' as const;
  /** Audio of finished recordings: `<recordingsDir>/<id>.wav`, 8 kHz 16-bit mono. */
  readonly recordingMedia: SimRecordingFiles;

  readonly #sounds: SoundLibrary;
  readonly #realtime: boolean;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #legs = new Map<string, SimLeg>();
  readonly #endedOrder: string[] = [];
  readonly #bridges = new Map<string, SimBridge>();
  readonly #supervisions = new Map<string, SimSupervision>();
  readonly #legListeners = new Set<(leg: SimLeg) => void>();
  readonly #agents = new SimAgents({ legs: () => this.legs() });
  readonly #soundSamples: SimSoundSamples;
  readonly #ownsRecordingsDir: boolean;
  #onCall: IncomingCallHandler | undefined;

  constructor(options: SimDriverOptions) {
    this.#sounds = options.sounds;
    this.#realtime = options.realtime ?? false;
    this.#now = options.now ?? Date.now;
    this.#logger = (options.logger ?? silentLogger).child({ driver: 'sim' });
    this.#ownsRecordingsDir = options.recordingsDir === undefined;
    this.recordingMedia = new SimRecordingFiles(options.recordingsDir ?? defaultSimRecordingsDir(), this.#logger);
    this.#soundSamples = new SimSoundSamples(options.soundFile ?? soundFileLocator(options.sounds), this.#logger);
  }

  /**
   * Starts delivering calls. Calls still up from before a {@link stop} are handed over again
   * with `recovered: true`, the way ARI re-attaches channels after a reconnect.
   */
  async start(onCall: IncomingCallHandler): Promise<void> {
    this.#onCall = onCall;
    for (const leg of this.legs()) {
      if (leg.direction === 'inbound') this.#deliver(leg, { recovered: true, variables: Object.fromEntries(leg.variables) });
    }
  }

  /** Stops taking calls; calls in progress stay up. */
  async stop(): Promise<void> {
    this.#onCall = undefined;
  }

  isReady(): boolean {
    return this.#onCall !== undefined;
  }

  /** A live (ringing or up) leg. */
  getLeg(legId: string): SimLeg | undefined {
    const leg = this.#legs.get(legId);
    return leg?.isLive() ? leg : undefined;
  }

  /** Any leg, live or recently ended (the last 1000 ended are kept for inspection). */
  findLeg(legId: string): SimLeg | undefined {
    return this.#legs.get(legId);
  }

  /** Live legs, oldest first. */
  legs(): SimLeg[] {
    return [...this.#legs.values()].filter((leg) => leg.isLive());
  }

  /**
   * Live (ringing or up) outbound legs, newest first: agents' phones, callbacks to customers,
   * supervisors. `to` is what was dialled.
   */
  outboundLegs(): SimLeg[] {
    return this.legs()
      .filter((leg) => leg.direction === 'outbound')
      .reverse();
  }

  /** The clock of a leg (live or recently ended). */
  clockOf(legId: string): ManualClock | undefined {
    return this.#legs.get(legId)?.clock;
  }

  /** Called for every new leg, inbound or originated (the simulator UI shows agents' phones ringing). */
  onLeg(listener: (leg: SimLeg) => void): () => void {
    this.#legListeners.add(listener);
    return () => {
      this.#legListeners.delete(listener);
    };
  }

  /**
   * A caller dials in: a ringing inbound leg is created and handed to the `onCall` handler.
   * @throws `HOTLINE_ERR_PBX_UNAVAILABLE` before {@link start}; `HOTLINE_ERR_BAD_REQUEST` for a `to`/`from` that is not a number or extension.
   */
  placeCall(request: SimPlaceCallRequest): SimLeg {
    if (!this.#onCall) throw hotlineError('HOTLINE_ERR_PBX_UNAVAILABLE', 'the simulated PBX is not started');
    assertNumber(request.to, 'to');
    const from = request.from ?? DEFAULT_FROM;
    assertNumber(from, 'from');
    const leg = this.#newLeg({
      direction: 'inbound',
      from,
      to: request.to,
      ...(request.callerName !== undefined ? { callerName: request.callerName } : {}),
      at: request.at ?? this.#now(),
      variables: request.variables ?? {},
    });
    this.#deliver(leg, { recovered: false, ...(request.variables ? { variables: { ...request.variables } } : {}) });
    return leg;
  }

  /** Places an outbound call: a ringing leg the far end answers, rejects, or lets time out. */
  async originate(request: SimOriginateRequest): Promise<SimLeg> {
    if (!this.#onCall) throw hotlineError('HOTLINE_ERR_PBX_UNAVAILABLE', 'the simulated PBX is not started');
    assertDialable(request.to, 'to');
    if (request.from !== undefined) assertNumber(request.from, 'from');
    if (!(request.timeoutMs > 0)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'timeoutMs must be positive');
    const variables = { ...(request.variables ?? {}) };
    const leg = this.#newLeg({
      direction: 'outbound',
      from: request.from ?? '',
      to: request.to,
      ...(request.callerName !== undefined ? { callerName: request.callerName } : {}),
      at: this.#now(),
      variables,
    });
    leg.ring(request.timeoutMs, request.autoAnswerAfterMs ?? parseMs(variables.sim_auto_answer_ms) ?? this.#agents.autoAnswerFor(request.to));
    return leg;
  }

  /**
   * Whether the phone of simulated agent `agentId` (endpoint `sim:<agentId>`) picks up by itself
   * one simulated second after it starts ringing (`auto`, the default) or waits (`manual`).
   * @throws `HOTLINE_ERR_BAD_REQUEST` for an invalid agent id or mode.
   */
  setAgentAnswerMode(agentId: string, mode: SimAnswerMode): void {
    this.#agents.setAnswerMode(agentId, mode);
  }

  /** The live (ringing or up) outbound leg to `sim:<agentId>`, newest first. */
  agentLeg(agentId: string): SimLeg | undefined {
    return this.#agents.agentLeg(agentId);
  }

  async createBridge(options: { id?: string; purpose?: string } = {}): Promise<SimBridge> {
    const id = options.id ?? this.#newId('bridge');
    const existing = this.#bridges.get(id);
    if (existing && !existing.destroyed) return existing; // idempotent by id, like ARI
    const bridge = new SimBridge({
      id,
      ...(options.purpose !== undefined ? { purpose: options.purpose } : {}),
      clock: new ManualClock(this.#now(), { realtime: this.#realtime }),
      sounds: this.#sounds,
      logger: this.#logger,
      hooks: {
        findLeg: (legId) => this.#legs.get(legId),
        onJoin: (joined, legId) => {
          for (const other of this.#bridges.values()) if (other !== joined) void other.removeLeg(legId);
        },
        onRecordingEnded: (b, recording) => this.#saveRecording(recording, b.audioSegments()),
      },
    });
    this.#bridges.set(id, bridge);
    return bridge;
  }

  /** Bridges not destroyed. */
  bridges(): SimBridge[] {
    return [...this.#bridges.values()].filter((b) => !b.destroyed);
  }

  /** Joins a supervisor to a call; the same `supervisionId` again switches the mode of the existing one. */
  async supervise(request: SimSuperviseRequest): Promise<SimSupervision> {
    for (const legId of [request.callerLegId, request.agentLegId, request.supervisorLegId]) {
      const leg = this.#legs.get(legId);
      if (!leg) throw hotlineError('HOTLINE_ERR_NO_SUCH_CALL', `no leg ${legId}`, { legId });
      if (!leg.isLive()) throw hotlineError('HOTLINE_ERR_CALL_ENDED', `leg ${legId} has ended`, { legId });
    }
    const existing = this.#supervisions.get(request.supervisionId);
    if (existing && !existing.ended) {
      await existing.setMode(request.mode);
      return existing;
    }
    const supervision = new SimSupervision({ id: request.supervisionId, ...request });
    this.#supervisions.set(supervision.id, supervision);
    return supervision;
  }

  /** Supervisions not ended. */
  supervisions(): SimSupervision[] {
    return [...this.#supervisions.values()].filter((s) => !s.ended);
  }

  /** Who hears whom now, optionally only the paths touching `legId`. */
  audioPaths(legId?: string): AudioPath[] {
    return audioPaths(
      {
        bridges: this.bridges().map((b) => ({ legIds: b.legIds() })),
        supervisions: this.supervisions(),
        isLive: (id) => this.#legs.get(id)?.isLive() ?? false,
      },
      legId,
    );
  }

  /** What the PBX still holds for a leg (its media, bridges, supervisions); empty after a clean hang-up. */
  resourcesOf(legId: string): string[] {
    const leg = this.#legs.get(legId);
    return [
      ...(leg?.resources() ?? []),
      ...this.bridges()
        .filter((b) => b.has(legId))
        .map((b) => `bridge:${b.id}`),
      ...this.supervisions()
        .filter((s) => s.involves(legId))
        .map((s) => `supervision:${s.id}`),
    ];
  }

  /**
   * Stops every clock that follows wall time (end of a test or of `hotline serve`) and removes
   * the default recordings directory (a configured `recordingsDir` is kept).
   */
  dispose(): void {
    for (const leg of this.#legs.values()) leg.clock.dispose();
    for (const bridge of this.#bridges.values()) bridge.clock.dispose();
    if (this.#ownsRecordingsDir) this.recordingMedia.removeAll();
  }

  #newLeg(init: {
    direction: 'inbound' | 'outbound';
    from: string;
    to: string;
    callerName?: string;
    at: number;
    variables: Record<string, string>;
  }): SimLeg {
    const leg = new SimLeg({
      id: this.#newId('sim'),
      direction: init.direction,
      from: init.from,
      to: init.to,
      ...(init.callerName !== undefined ? { callerName: init.callerName } : {}),
      clock: new ManualClock(init.at, { realtime: this.#realtime }),
      sounds: this.#sounds,
      logger: this.#logger,
      variables: init.variables,
      hooks: {
        onEnded: (ended) => this.#onEnded(ended),
        onSaid: (speaker, segment) => this.#spread(speaker, segment),
        onRecordingEnded: (recorded, recording) => this.#saveRecording(recording, recorded.audioSegments()),
      },
    });
    this.#legs.set(leg.id, leg);
    for (const listener of [...this.#legListeners]) {
      try {
        listener(leg);
      } catch (err) {
        this.#logger.warn({ err, legId: leg.id }, 'sim onLeg listener threw');
      }
    }
    return leg;
  }

  #deliver(leg: SimLeg, info: { recovered: boolean; variables?: Record<string, string> }): void {
    try {
      this.#onCall?.(leg, info);
    } catch (err) {
      this.#logger.error({ err, legId: leg.id }, 'incoming call handler threw');
    }
  }

  #onEnded(leg: SimLeg): void {
    for (const bridge of this.#bridges.values()) void bridge.removeLeg(leg.id);
    for (const supervision of this.#supervisions.values()) if (supervision.involves(leg.id)) void supervision.end();
    if (this.#realtime) leg.clock.dispose();
    this.#endedOrder.push(leg.id);
    while (this.#endedOrder.length > ENDED_LEGS_KEPT) this.#legs.delete(this.#endedOrder.shift() ?? '');
  }

  /** What a leg's far end keys or says reaches every leg hearing it and the bridge it is in. */
  #spread(speaker: SimLeg, segment: SimAudioSegment): void {
    const now = speaker.clock.now();
    for (const path of this.audioPaths(speaker.id)) {
      if (path.from === speaker.id) this.#legs.get(path.to)?.hearFrom(segment, now);
    }
    for (const bridge of this.bridges()) if (bridge.has(speaker.id)) bridge.hearFrom(segment, now);
  }

  /** Renders a finished recording and writes it; `recordingMedia.fetch` waits for the write. */
  #saveRecording(recording: SimRecording, segments: readonly SimAudioSegment[]): void {
    const window = renderWindow(recording);
    const audible = audibleIn(recording.recordingId, segments);
    void this.recordingMedia.save(recording.recordingId, async () => {
      await this.#soundSamples.load(soundNames(audible));
      return encodeWav(renderRecording(window, audible, { sounds: this.#sounds, soundSamples: (name) => this.#soundSamples.get(name) }));
    });
  }

  /** Random ids: a sim call id must not collide with sessions a store kept from an earlier run. */
  #newId(prefix: string): string {
    for (;;) {
      const id = `${prefix}-${randomBytes(4).toString('hex')}`;
      if (!this.#legs.has(id) && !this.#bridges.has(id)) return id;
    }
  }
}

function parseMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
