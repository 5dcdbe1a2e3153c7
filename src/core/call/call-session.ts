import { createActor, type Actor, type AnyStateMachine, type InspectionEvent } from 'xstate';
import type { Clock } from '../../ports/clock.ts';
import type { HttpClient } from '../../ports/http-client.ts';
import type { Logger } from '../../ports/logger.ts';
import type { SessionRecord, SessionStore } from '../../ports/stores.ts';
import type { CallLeg, LegEvent } from '../../ports/telephony.ts';
import type { CompiledFlow } from '../flow/compiled.ts';
import { TimerService } from '../timers/timer-service.ts';
import { REDACTED, redactVariables } from './call-view.ts';
import { runEffect, type EffectHost } from './effect-runner.ts';
import type { FlowContext, FlowEffect, FlowEvent, FlowInput } from './events.ts';
import type { CallServiceEvent } from './types.ts';
import type { QueueHost } from '../acd/queue-host.ts';
import type { RecordingHost } from '../recording/recording-host.ts';
import type { CallbackHost } from '../callback/callback-host.ts';
import { pausesRecording } from '../recording/sensitive-states.ts';
import { openSnapshot, sealSnapshot, secureKey } from './secure-snapshot.ts';

/** What a session needs; the call service builds it per call. */
export interface SessionDeps {
  flow: CompiledFlow;
  leg: CallLeg;
  store: SessionStore;
  clock: Clock;
  http: HttpClient;
  logger: Logger;
  settings: Record<string, string>;
  transferAllow: readonly RegExp[];
  endedRetentionMs: number;
  /** The ACD, for `queue` steps. */
  queues?: QueueHost;
  /** The RecordingService, for `record` steps and the pause around sensitive steps. */
  recordings?: RecordingHost;
  /** Callbacks, for `callback` steps. */
  callbacks?: CallbackHost;
  /** Initial flow variables (an outbound callback call's `vars.callback`). */
  vars?: Record<string, unknown>;
  /** AES-256 key (32 bytes) secure variables are encrypted with in the stored snapshot; default a random per-process key. */
  secretKey?: Uint8Array;
  publish(event: CallServiceEvent): void;
  /** XState inspection hook (coverage tooling, debugging). */
  inspect?: (event: InspectionEvent) => void;
}

/** The part of a live session the API, CLI and tests use. */
export interface CallSessionHandle {
  readonly callId: string;
  /** True while the flow waits on the caller (a menu or gather listening, a queue holding). */
  awaitingInput(): boolean;
  ended(): boolean;
  /** Resolves once the session ended and its record was stored. */
  readonly done: Promise<void>;
  currentStep(): string;
  /** The flow machine's state value (which sub-state of a step the call is in). */
  stateValue(): unknown;
  /**
   * Delivers an event from a service outside the call (the ACD's `queue.done`, a supervisor
   * action) into the flow machine.
   */
  deliver(event: FlowEvent): void;
  /** Results of `http` steps marked for the agent's screen pop. */
  screenPop(): Record<string, unknown>;
}

/**
 * One call: owns the flow actor, feeds it the leg's events, performs its effects and saves a
 * record after every transition. It never calls a PBX directly, only the leg's port methods.
 */
export class CallSession implements CallSessionHandle, EffectHost {
  readonly callId: string;
  readonly leg: CallLeg;
  readonly clock: Clock;
  readonly http: HttpClient;
  readonly logger: Logger;
  readonly timers: TimerService;
  readonly transferAllow: readonly RegExp[];
  readonly queues?: QueueHost;
  readonly recordings?: RecordingHost;
  readonly callbacks?: CallbackHost;
  readonly done: Promise<void>;

  readonly #deps: SessionDeps;
  readonly #record: SessionRecord;
  readonly #key: Uint8Array;
  #actor: Actor<AnyStateMachine> | undefined;
  #unsubscribeLeg: (() => void) | undefined;
  #ended = false;
  #leaving: 'hangup' | 'transfer' | null = null;
  #resolveDone!: () => void;
  #saving: Promise<void> | null = null;
  #dirty = false;
  readonly #recordings = new Set<string>();
  /** Playbacks stopped on resume: their `prompt.done` must not finish the step that replays them. */
  readonly #abandoned = new Set<string>();

  private constructor(deps: SessionDeps, record: SessionRecord) {
    this.#deps = deps;
    this.#record = record;
    this.callId = record.callId;
    this.leg = deps.leg;
    this.clock = deps.clock;
    this.http = deps.http;
    this.transferAllow = deps.transferAllow;
    if (deps.queues) this.queues = deps.queues;
    if (deps.recordings) this.recordings = deps.recordings;
    if (deps.callbacks) this.callbacks = deps.callbacks;
    this.#key = secureKey(deps.secretKey);
    this.logger = deps.logger.child({ callId: record.callId, flowId: record.flowId, driver: record.driver });
    this.timers = new TimerService(deps.clock, (id) => this.#send({ type: 'timer.fired', id }));
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  /** Answers the call and starts the flow from its first step. */
  static async start(deps: SessionDeps): Promise<CallSession> {
    const { leg, flow, clock } = deps;
    const now = clock.now();
    const record: SessionRecord = {
      callId: leg.id,
      legId: leg.id,
      driver: leg.driver,
      direction: leg.direction,
      from: leg.from,
      to: leg.to,
      flowId: flow.id,
      flowVersion: flow.version,
      state: 'active',
      step: flow.doc.start,
      path: [],
      variables: {},
      prompts: [],
      startedAt: now,
      snapshot: null,
      runtime: { timers: [], inflight: {} },
      updatedAt: now,
    };
    const session = new CallSession(deps, record);
    session.#listen();
    // An outbound leg (a callback) is answered by the far end before its session starts.
    if (leg.direction === 'inbound') await leg.answer();
    session.logger.info({ from: leg.from, to: leg.to, version: flow.version }, 'call started');
    deps.publish({ type: 'call.started', callId: leg.id, flowId: flow.id, version: flow.version, from: leg.from, to: leg.to, at: now });
    session.#boot(undefined);
    return session;
  }

  /**
   * Continues a stored call on a (re-attached) leg: restores the snapshot without re-running
   * entry actions, re-arms timers with the time they had left, stops media that was playing
   * when the node went away (its end was never seen), then tells the machine it resumed so the
   * waiting step re-issues what it waits for. Finished prompts are never replayed.
   */
  static resume(deps: SessionDeps, record: SessionRecord): CallSession {
    const session = new CallSession(deps, structuredClone(record));
    session.#listen();
    session.logger.info({ step: record.step, version: record.flowVersion }, 'call resumed');
    const { snapshot, lost } = openSnapshot(record.snapshot, session.#key, record.callId);
    // Another process's key: the secure values are gone (unset), which the flow must cope with.
    if (lost.length) session.logger.warn({ lost }, 'secure variables could not be decrypted');
    session.#boot(snapshot);
    session.timers.restore(record.runtime.timers);
    session.#retakeRecordings();
    for (const prompt of session.#record.prompts) {
      if (prompt.state !== 'playing') continue;
      prompt.state = 'stopped';
      session.#abandoned.add(prompt.playbackId);
      deps.leg.stopPlayback(prompt.playbackId).catch(() => {});
    }
    session.#send({ type: 'session.resumed' });
    return session;
  }

  awaitingInput(): boolean {
    return !this.#ended && Boolean(this.#actor?.getSnapshot().hasTag('input'));
  }

  ended(): boolean {
    return this.#ended;
  }

  isEnded(): boolean {
    return this.#ended;
  }

  currentStep(): string {
    return this.#record.step;
  }

  stateValue(): unknown {
    return this.#actor?.getSnapshot().value;
  }

  deliver(event: FlowEvent): void {
    this.#send(event);
  }

  /** A copy of the session record as last built. */
  record(): SessionRecord {
    return structuredClone(this.#buildRecord());
  }

  /** Stops driving the call without hanging up (shutdown: another node, or this one restarted, resumes it). */
  async detach(): Promise<void> {
    this.#unsubscribeLeg?.();
    this.timers.cancelAll();
    this.#actor?.stop();
    await this.#saving;
  }

  // EffectHost -------------------------------------------------------------------------------

  get flowId(): string {
    return this.#record.flowId;
  }

  variables(): Record<string, unknown> {
    return (this.#actor?.getSnapshot().context as FlowContext | undefined)?.vars ?? {};
  }

  /** Results of `http` steps kept for the agent's screen pop. */
  screenPop(): Record<string, unknown> {
    return (this.#actor?.getSnapshot().context as FlowContext | undefined)?.screenPop ?? {};
  }

  dispatch(event: FlowEvent): void {
    // Effects run inside a transition: deliver their results after it.
    queueMicrotask(() => this.#send(event));
  }

  onStep(step: string, kind: string): void {
    this.#record.step = step;
    this.#record.path.push(step);
    this.logger.info({ step, kind }, 'step entered');
    this.#deps.publish({ type: 'step.entered', callId: this.callId, step, kind, at: this.clock.now() });
  }

  onPlay(effect: Extract<FlowEffect, { type: 'effect.play' }>): void {
    const at = this.clock.now();
    // A prompt reading back a secure value (`{digits: ${vars.card}}`) must not be kept verbatim.
    const media: unknown[] = this.#revealsSecret(effect.media) ? [{ kind: 'text', text: REDACTED }] : effect.media;
    this.#record.prompts.push({ playbackId: effect.playbackId, step: effect.step, media, at, state: 'playing' });
    this.#deps.publish({ type: 'prompt.played', callId: this.callId, step: effect.step, playbackId: effect.playbackId, media, at });
  }

  markLeaving(reason: 'hangup' | 'transfer' | null): void {
    this.#leaving = reason;
  }

  onRecordingStarted(recordingId: string): void {
    this.#recordings.add(recordingId);
  }

  end(outcome: string): void {
    if (this.#ended) return;
    this.#ended = true;
    void this.#finish(outcome);
  }

  // internals --------------------------------------------------------------------------------

  #boot(snapshot: unknown): void {
    const input: FlowInput = { callId: this.callId, from: this.leg.from, to: this.leg.to, settings: this.#deps.settings, ...(this.#deps.vars ? { vars: this.#deps.vars } : {}) };
    const inspect = this.#deps.inspect;
    const actor = createActor(this.#deps.flow.machine, {
      input,
      ...(snapshot ? { snapshot: snapshot as never } : {}),
      ...(inspect ? { inspect } : {}),
    });
    this.#actor = actor;
    actor.on('*', (effect) => runEffect(this, effect as FlowEffect));
    actor.subscribe({
      next: () => this.#persist(),
      error: (err) => {
        this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'flow machine failed');
        this.#deps.publish({ type: 'call.error', callId: this.callId, code: 'HOTLINE_ERR_INTERNAL', message: String(err), at: this.clock.now() });
        this.markLeaving('hangup');
        this.leg.hangup('failed').catch(() => {});
        this.end('error');
      },
    });
    actor.start();
    this.#persist();
  }

  #listen(): void {
    this.#unsubscribeLeg = this.leg.subscribe((event) => this.#onLegEvent(event));
  }

  #onLegEvent(event: LegEvent): void {
    switch (event.type) {
      case 'call.dtmf':
        this.logger.debug({ digit: this.#sensitive() ? '[REDACTED]' : event.digit }, 'dtmf');
        this.#send({ type: 'call.dtmf', digit: event.digit, ...(event.durationMs !== undefined ? { durationMs: event.durationMs } : {}) });
        return;
      case 'call.speech':
        this.logger.debug({ text: this.#sensitive() ? '[REDACTED]' : event.text }, 'speech');
        this.#send(event);
        return;
      case 'prompt.done': {
        if (this.#abandoned.delete(event.playbackId)) return;
        const prompt = this.#record.prompts.find((p) => p.playbackId === event.playbackId);
        if (prompt && prompt.state === 'playing') prompt.state = event.reason;
        this.#send(event);
        return;
      }
      case 'recording.done':
        this.#recordings.delete(event.recordingId);
        this.recordings
          ?.finished(event.recordingId, { reason: event.reason, ...(event.durationMs !== undefined ? { durationMs: event.durationMs } : {}) })
          .catch((err: unknown) => this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'recording metadata update failed'));
        this.#send(event);
        return;
      case 'call.hangup':
        this.logger.info({ cause: event.cause, by: event.by }, 'call hung up');
        // After our own hang-up or a completed transfer the machine has already moved on.
        if (event.by === 'local' && this.#leaving === 'transfer') return;
        this.#send({ type: 'call.hangup', cause: event.cause, by: event.by });
        return;
      default:
        return;
    }
  }

  #send(event: FlowEvent): void {
    if (this.#ended || !this.#actor) return;
    this.#actor.send(event);
  }

  /**
   * Re-takes the call's recordings after a resume: adopts them, re-issues the pauses the flow
   * still holds (one per sensitive state it is in, and a `record` step's pause), then lets the
   * service unmute whatever nothing holds any more. The service runs these in order.
   */
  #retakeRecordings(): void {
    const recordings = this.recordings;
    const snapshot = this.#actor?.getSnapshot();
    if (!recordings || !snapshot) return;
    const warn = (err: unknown) => this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'recording take-over failed');
    recordings.adopt(this.callId, this.leg).catch(warn);
    const nodes = (snapshot as unknown as { _nodes: Array<{ entry: unknown[] }> })._nodes;
    for (const node of nodes) if (pausesRecording(node.entry)) recordings.pause(this.callId, 'sensitive').catch(warn);
    if ((snapshot.context as FlowContext).recordingPaused) recordings.pause(this.callId, 'flow').catch(warn);
    recordings.reconcile(this.callId).catch(warn);
  }

  #revealsSecret(media: readonly unknown[]): boolean {
    const context = this.#actor?.getSnapshot().context as FlowContext | undefined;
    if (!context || context.secureVars.length === 0) return false;
    const text = JSON.stringify(media);
    return context.secureVars.some((name) => {
      const value = context.vars[name];
      return value !== undefined && value !== null && String(value).length > 0 && text.includes(String(value));
    });
  }

  #sensitive(): boolean {
    return this.#deps.flow.sensitiveSteps.some((s) => this.#record.step === s || this.#record.step.startsWith(`${s}/`));
  }

  #buildRecord(): SessionRecord {
    const actor = this.#actor;
    if (actor) {
      const context = actor.getSnapshot().context as FlowContext;
      // Secure values (card numbers) never reach the store in clear.
      this.#record.snapshot = sealSnapshot(actor.getPersistedSnapshot(), this.#key, this.callId);
      this.#record.variables = redactVariables(context.vars, context.secureVars);
    }
    this.#record.runtime = { ...this.#record.runtime, timers: this.timers.toJSON(), inflight: {} };
    this.#record.updatedAt = this.clock.now();
    return this.#record;
  }

  /** Saves the latest record; writes are serialised and coalesced so the store sees them in order. */
  #persist(): void {
    // Once ending, #finish writes the last record itself.
    if (this.#ended) return;
    this.#dirty = true;
    if (this.#saving) return;
    this.#saving = (async () => {
      while (this.#dirty) {
        this.#dirty = false;
        const record = structuredClone(this.#buildRecord());
        try {
          await this.#deps.store.save(record);
        } catch (err) {
          this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'saving the session failed');
        }
      }
      this.#saving = null;
    })();
  }

  async #finish(outcome: string): Promise<void> {
    this.timers.cancelAll();
    this.#unsubscribeLeg?.();
    for (const recordingId of this.#recordings) this.leg.stopRecording?.(recordingId).catch(() => {});
    this.recordings?.callEnded(this.callId).catch((err: unknown) => this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'finalising recordings failed'));
    await this.#saving;
    const record = this.#buildRecord();
    record.state = 'ended';
    record.outcome = outcome;
    record.endedAt = this.clock.now();
    try {
      await this.#deps.store.end(structuredClone(record), this.#deps.endedRetentionMs);
    } catch (err) {
      this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'storing the ended call failed');
    }
    this.logger.info({ outcome, path: record.path }, 'call ended');
    this.#deps.publish({ type: 'call.ended', callId: this.callId, flowId: record.flowId, path: [...record.path], outcome, at: record.endedAt });
    this.#actor?.stop();
    this.#resolveDone();
  }
}
