import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';
import type { SpeechRecognizer, SpeechSynthesizer } from '../../ports/speech.ts';
import type {
  CallLeg,
  IncomingCallHandler,
  OriginateRequest,
  SuperviseRequest,
  Supervision,
  TelephonyDriver,
} from '../../ports/telephony.ts';
import { hotlineError } from '../../core/errors.ts';
import type { RecordingMedia } from '../../ports/recordings.ts';
import { AriBridgeHandle, BRIDGE_PREFIX, type AriBridgeContext } from './ari-bridge.ts';
import { AriClient } from './ari-client.ts';
import { ariStatusOf, asHotlineError, recode } from './ari-errors.ts';
import { AriEventSocket, type AriEvent } from './ari-events.ts';
import { AriCallLeg, type AriLegContext } from './ari-leg.ts';
import { argsToVariables, ORIGINATE_ARG } from './ari-args.ts';
import { resync } from './ari-resync.ts';
import { EXTERNAL_MEDIA_PREFIX, externalMediaId, speechBridgeName } from './ari-speech.ts';
import { AriSupervision, SNOOP_PREFIX, type AriSupervisionContext } from './ari-supervision.ts';
import type { AriChannel } from './ari-types.ts';
import { AriRecordingMedia } from './ari-recording-media.ts';
import {
  assertNumber,
  assertSimpleName,
  assertTransferTarget,
  assertVariableValue,
  assertWritableVariable,
  formatCallerId,
  isEndpoint,
} from './ari-validate.ts';

/** Options of {@link AriTelephonyDriver}. */
export interface AriDriverOptions {
  /** Asterisk HTTP URL, e.g. `http://127.0.0.1:8088` (with or without `/ari`). */
  url: string;
  username: string;
  password: string;
  /** Stasis application name. */
  app: string;
  /** Folder of Hotline's prompts under Asterisk's sounds directory; default `hotline`. */
  soundPrefix?: string;
  logger?: Logger;
  synthesizer?: SpeechSynthesizer;
  recognizer?: SpeechRecognizer;
  /** Dialplan context `transfer` continues into for numbers; default `hotline-transfer`. */
  transferContext?: string;
  /** Dial string for numbers; `{number}` is replaced. Default `PJSIP/{number}@trunk`. */
  dialTemplate?: string;
  /** Reconnect backoff base (default 500 ms) and cap (default 30 s). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Jitter source (tests). */
  random?: () => number;
  /** Clock for reconnect timers (tests pass a manual clock). */
  clock?: Clock;
  requestTimeoutMs?: number;
  /** `fetch` for REST (tests, replays); default the global one. */
  fetch?: typeof fetch;
}

/**
 * The Asterisk driver: ARI REST for commands, the ARI WebSocket for events. A channel entering
 * the Stasis application that Hotline did not create is a new call; channels it created
 * (originate, snoops) are routed to their owners. After every reconnection the driver lists
 * channels and bridges, re-attaches the calls still in its application (`recovered: true`),
 * ends the legs that vanished and removes orphaned `hotline-` bridges and snoops.
 */
export class AriTelephonyDriver implements TelephonyDriver {
  /** Recordings are muted (silence kept in the file) around sensitive steps. */
  readonly canPauseRecordings = true;
  readonly name = 'ari' as const;
  readonly app: string;
  readonly client: AriClient;
  readonly #socket: AriEventSocket;
  readonly #logger: Logger;
  readonly #options: AriDriverOptions;
  readonly #legs = new Map<string, AriCallLeg>();
  readonly #owners = new Map<string, AriCallLeg>();
  readonly #bridges = new Map<string, AriBridgeHandle>();
  readonly #snoops = new Map<string, string>();
  /** External media channels of running speech sessions → their StasisStart handler. */
  readonly #externals = new Map<string, () => void>();
  readonly #supervisions = new Map<string, AriSupervision>();
  readonly #legCtx: AriLegContext;
  readonly #bridgeCtx: AriBridgeContext;
  readonly #supervisionCtx: AriSupervisionContext;
  /** Audio of stored recordings (`GET`/`DELETE /recordings/stored/{name}`). */
  readonly recordingMedia: RecordingMedia;
  #onCall: IncomingCallHandler | undefined;
  #started = false;

  constructor(options: AriDriverOptions) {
    this.#options = options;
    this.app = options.app;
    this.#logger = (options.logger ?? silentLogger).child({ driver: 'ari' });
    this.client = new AriClient({
      url: options.url,
      username: options.username,
      password: options.password,
      logger: this.#logger,
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.#socket = new AriEventSocket({
      url: options.url,
      username: options.username,
      password: options.password,
      app: options.app,
      logger: this.#logger,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.backoffBaseMs === undefined ? {} : { backoffBaseMs: options.backoffBaseMs }),
      ...(options.backoffCapMs === undefined ? {} : { backoffCapMs: options.backoffCapMs }),
      ...(options.random ? { random: options.random } : {}),
    });
    const soundPrefix = options.soundPrefix ?? 'hotline';
    const synth = options.synthesizer ? { synthesizer: options.synthesizer } : {};
    this.#legCtx = {
      client: this.client,
      logger: this.#logger,
      soundPrefix,
      ...synth,
      transferContext: options.transferContext ?? 'hotline-transfer',
      track: (kind, id, leg) => this.#owners.set(`${kind}:${id}`, leg),
      untrack: (kind, id) => this.#owners.delete(`${kind}:${id}`),
      legEnded: (leg) => this.#legEnded(leg),
      ...(options.recognizer
        ? {
            speech: {
              client: this.client,
              app: options.app,
              logger: this.#logger,
              recognizer: options.recognizer,
              createBridge: (id: string, purpose: string) => this.createBridge({ id, purpose }),
              registerExternal: (id: string, onStasisStart: () => void) => this.#externals.set(id, onStasisStart),
              unregisterExternal: (id: string) => this.#externals.delete(id),
            },
          }
        : {}),
      speechLeftovers: (legId) => this.#speechLeftovers(legId),
    };
    this.#bridgeCtx = {
      client: this.client,
      soundPrefix,
      ...synth,
      bridgeDestroyed: (bridge) => this.#bridges.delete(bridge.id),
    };
    this.#supervisionCtx = {
      client: this.client,
      app: this.app,
      createBridge: (id, purpose) => this.createBridge({ id, purpose }),
      registerSnoop: (snoopId, supervisionId) => this.#snoops.set(snoopId, supervisionId),
      unregisterSnoop: (snoopId) => this.#snoops.delete(snoopId),
      hangupLeg: async (legId) => {
        const leg = this.#legs.get(legId);
        if (leg) return leg.hangup('normal');
        await this.client.hangup(legId).catch((err: unknown) => {
          if (ariStatusOf(err) !== 404) throw asHotlineError(err);
        });
      },
      ended: (supervision) => {
        if (this.#supervisions.get(supervision.id) === supervision) this.#supervisions.delete(supervision.id);
      },
    };
    this.recordingMedia = new AriRecordingMedia(this.client);
    this.#socket.onEvent((event) => this.handleEvent(event));
    this.#socket.onOpen(({ reconnect }) => {
      if (reconnect) void this.#resync(false);
    });
  }

  /** Messages received on the event socket so far (diagnostics, test barriers). */
  get eventsReceived(): number {
    return this.#socket.receivedCount;
  }

  async start(onCall: IncomingCallHandler): Promise<void> {
    this.#onCall = onCall;
    await this.#socket.connect();
    this.#started = true;
    await this.#resync(true);
  }

  /**
   * Registers the incoming-call handler without connecting, for replays that feed captured
   * events to {@link AriTelephonyDriver.handleEvent}.
   * @internal
   */
  attachHandler(onCall: IncomingCallHandler): void {
    this.#onCall = onCall;
  }

  async stop(): Promise<void> {
    this.#started = false;
    await this.#socket.close();
  }

  isReady(): boolean {
    return this.#started && this.#socket.isConnected();
  }

  getLeg(legId: string): CallLeg | undefined {
    return this.#legs.get(legId);
  }

  async originate(request: OriginateRequest): Promise<CallLeg> {
    assertTransferTarget(request.to);
    let endpoint: string;
    if (isEndpoint(request.to)) {
      endpoint = request.to;
    } else {
      assertNumber(request.to);
      endpoint = (this.#options.dialTemplate ?? 'PJSIP/{number}@trunk').replace('{number}', request.to);
    }
    const variables: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.variables ?? {})) {
      assertWritableVariable(name);
      assertVariableValue(String(value));
      variables[name] = String(value);
    }
    const id = `${ORIGINATE_ARG}-${randomUUID()}`;
    const leg = new AriCallLeg(
      {
        id,
        direction: 'outbound',
        from: request.from ?? '',
        to: request.to,
        ...(request.callerName ? { callerName: request.callerName } : {}),
        args: [ORIGINATE_ARG, request.purpose],
      },
      this.#legCtx,
    );
    // Known before the request: its events may arrive before the REST reply.
    this.#legs.set(id, leg);
    try {
      await this.client.originate(
        {
          endpoint,
          app: this.app,
          appArgs: `${ORIGINATE_ARG},${request.purpose}`,
          callerId: formatCallerId(request.from, request.callerName),
          timeout: Math.max(1, Math.ceil(request.timeoutMs / 1000)),
          channelId: id,
        },
        variables,
      );
    } catch (err) {
      this.#legs.delete(id);
      const error = asHotlineError(err);
      if (error.code === 'HOTLINE_ERR_PBX_UNAVAILABLE') throw error;
      // `500 {"error":"Allocation failed"}` for an unusable endpoint, 400 for bad parameters.
      throw recode(error, 'HOTLINE_ERR_ORIGINATE_FAILED', `could not originate to ${request.to}`);
    }
    return leg;
  }

  async createBridge(options: { id?: string; purpose?: string; kind?: 'mixing' | 'holding' } = {}): Promise<AriBridgeHandle> {
    const raw = options.id ?? randomUUID();
    const id = raw.startsWith(BRIDGE_PREFIX) ? raw : `${BRIDGE_PREFIX}${raw}`;
    assertSimpleName(id, 'bridgeId');
    const existing = this.#bridges.get(id);
    if (existing) return existing;
    const purpose = options.purpose ?? 'bridge';
    assertSimpleName(purpose, 'purpose');
    const bridge = new AriBridgeHandle(id, this.#bridgeCtx);
    try {
      await this.client.createBridge(id, `${BRIDGE_PREFIX}${purpose}`, options.kind ?? 'mixing');
    } catch (err) {
      // 409: it exists already (a retried effect) — adopt it.
      if (ariStatusOf(err) !== 409) throw asHotlineError(err);
    }
    this.#bridges.set(id, bridge);
    return bridge;
  }

  async supervise(request: SuperviseRequest): Promise<Supervision> {
    assertSimpleName(request.supervisionId, 'supervisionId');
    const existing = this.#supervisions.get(request.supervisionId);
    if (existing) {
      await existing.setMode(request.mode);
      return existing;
    }
    const callBridge = await this.#findCallBridge(request.callerLegId, request.agentLegId);
    const supervision = new AriSupervision(
      {
        supervisionId: request.supervisionId,
        callerLegId: request.callerLegId,
        agentLegId: request.agentLegId,
        supervisorLegId: request.supervisorLegId,
        callBridge,
      },
      this.#supervisionCtx,
    );
    this.#supervisions.set(supervision.id, supervision);
    try {
      await supervision.setMode(request.mode);
    } catch (err) {
      await supervision.end().catch(() => undefined);
      throw asHotlineError(err);
    }
    return supervision;
  }

  /**
   * Routes one ARI event. Public so replay tests can feed captured streams without a socket.
   * @internal
   */
  handleEvent(event: AriEvent): void {
    switch (event.type) {
      case 'StasisStart':
        this.#stasisStart(event.channel, event.args ?? []);
        return;
      case 'StasisEnd':
        if (this.#snoops.has(event.channel.id)) return;
        this.#legs.get(event.channel.id)?.onGone(undefined);
        return;
      case 'ChannelDestroyed':
        this.#legs.get(event.channel.id)?.onGone(event.cause);
        return;
      case 'ChannelHangupRequest':
        this.#legs.get(event.channel.id)?.onHangupRequest(event.cause);
        return;
      case 'ChannelDtmfReceived':
        this.#legs.get(event.channel.id)?.onDtmf(event.digit, event.duration_ms);
        return;
      case 'Dial':
        this.#legs.get(event.peer.id)?.onDial(event.dialstatus);
        return;
      case 'PlaybackStarted':
      case 'PlaybackContinuing':
      case 'PlaybackFinished':
        this.#owners.get(`playback:${event.playback.id}`)?.onPlayback(event.type, event.playback);
        return;
      case 'RecordingStarted':
      case 'RecordingFinished':
      case 'RecordingFailed':
        this.#owners.get(`recording:${event.recording.name}`)?.onRecording(event.type, event.recording);
        return;
      case 'ChannelEnteredBridge':
        if (event.channel) this.#bridges.get(event.bridge.id)?.members.add(event.channel.id);
        return;
      case 'ChannelLeftBridge':
        this.#bridges.get(event.bridge.id)?.members.delete(event.channel.id);
        return;
      case 'BridgeDestroyed':
        this.#bridges.get(event.bridge.id)?.markDestroyed();
        return;
      default:
        return;
    }
  }

  #stasisStart(channel: AriChannel, args: string[]): void {
    if (this.#snoops.has(channel.id) || channel.id.startsWith(SNOOP_PREFIX)) return;
    const external = this.#externals.get(channel.id);
    if (external) return external();
    // Media channels (ours from another run or node, or anyone's) are never calls.
    if (channel.id.startsWith(EXTERNAL_MEDIA_PREFIX) || channel.name.startsWith('UnicastRTP/')) return;
    const known = this.#legs.get(channel.id);
    if (known) {
      known.onStasisStart();
      return;
    }
    // An originated leg of an earlier run of this node, or of another node: not a new call.
    const recovered = args[0] === ORIGINATE_ARG;
    this.#announce(this.#legFromChannel(channel, args), recovered);
  }

  /** @internal A leg for a channel found in our application (new call or recovered). */
  legFromChannel(channel: AriChannel, args: readonly string[]): AriCallLeg {
    return this.#legFromChannel(channel, args);
  }

  #legFromChannel(channel: AriChannel, args: readonly string[]): AriCallLeg {
    const outbound = args[0] === ORIGINATE_ARG;
    return new AriCallLeg(
      {
        id: channel.id,
        direction: outbound ? 'outbound' : 'inbound',
        from: channel.caller?.number ?? '',
        to: channel.dialplan?.exten ?? '',
        ...(channel.caller?.name ? { callerName: channel.caller.name } : {}),
        args,
        up: channel.state === 'Up',
      },
      this.#legCtx,
    );
  }

  /** @internal Registers a leg and hands it to the core. */
  announce(leg: AriCallLeg, recovered: boolean): void {
    this.#announce(leg, recovered);
  }

  #announce(leg: AriCallLeg, recovered: boolean): void {
    this.#legs.set(leg.id, leg);
    const variables = argsToVariables(leg.args);
    try {
      this.#onCall?.(leg, { recovered, ...(Object.keys(variables).length > 0 ? { variables } : {}) });
    } catch (err) {
      this.#logger.error({ legId: leg.id, err: (err as Error).message }, 'incoming call handler failed');
    }
  }

  #legEnded(leg: AriCallLeg): void {
    if (this.#legs.get(leg.id) === leg) this.#legs.delete(leg.id);
    // A supervision outlives none of its legs (takeover's agent excepted): no snoop or private bridge is left.
    for (const supervision of [...this.#supervisions.values()]) supervision.legGone(leg.id);
  }

  async #findCallBridge(callerLegId: string, agentLegId: string): Promise<AriBridgeHandle> {
    for (const bridge of this.#bridges.values()) {
      if (bridge.members.has(agentLegId) && !bridge.id.startsWith(`${BRIDGE_PREFIX}sup-`)) return bridge;
    }
    const listed = await this.client.listBridges().catch((err: unknown) => {
      throw asHotlineError(err);
    });
    const found =
      listed.find((b) => b.channels.includes(agentLegId) && b.channels.includes(callerLegId)) ??
      listed.find((b) => b.channels.includes(agentLegId));
    if (!found) {
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', 'the agent is not bridged with the caller', { agentLegId, callerLegId });
    }
    return this.adoptBridge(found.id, found.channels);
  }

  /** @internal Tracks a bridge found on the PBX. */
  adoptBridge(id: string, channels: readonly string[]): AriBridgeHandle {
    const bridge = this.#bridges.get(id) ?? new AriBridgeHandle(id, this.#bridgeCtx);
    for (const channel of channels) bridge.members.add(channel);
    this.#bridges.set(id, bridge);
    return bridge;
  }

  /** A speech bridge adopted at resynchronisation, with its media channel, outlived its call. */
  async #speechLeftovers(legId: string): Promise<void> {
    const bridge = this.#bridges.get(`${BRIDGE_PREFIX}${speechBridgeName(legId)}`);
    if (!bridge) return;
    await this.client.hangup(externalMediaId(legId)).catch((err: unknown) => {
      if (ariStatusOf(err) !== 404) throw asHotlineError(err);
    });
    await bridge.destroy();
  }

  async #resync(initial: boolean): Promise<void> {
    try {
      await resync({
        driver: this,
        client: this.client,
        logger: this.#logger,
        initial,
        legs: this.#legs,
        bridges: this.#bridges,
        snoops: this.#snoops,
        externals: this.#externals,
      });
    } catch (err) {
      this.#logger.warn({ code: asHotlineError(err).code, initial }, 'ARI resynchronisation failed');
      if (initial) throw asHotlineError(err);
    }
  }
}
