import type { Clock } from '../../ports/clock.ts';
import type { HttpClient } from '../../ports/http-client.ts';
import type { Logger } from '../../ports/logger.ts';
import type { SessionStore } from '../../ports/stores.ts';
import type { CallLeg, IncomingCallHandler, IncomingCallInfo, TelephonyDriver } from '../../ports/telephony.ts';
import { hotlineError, isHotlineError } from '../errors.ts';
import { CallSession, type CallSessionHandle, type SessionDeps } from './call-session.ts';
import { toCallView } from './call-view.ts';
import { selectFlow, type FlowResolver } from './flow-selection.ts';
import type { CallServiceEvent, CallServiceListener, CallView } from './types.ts';
import type { QueueHost } from '../acd/queue-host.ts';
import type { CallbackHost } from '../callback/callback-host.ts';
import type { RecordingService } from '../recording/recording-service.ts';
import { secureKey } from './secure-snapshot.ts';

export type { FlowResolver } from './flow-selection.ts';
export type { CallSessionHandle } from './call-session.ts';

/** What the call service is built from (the composition root passes the adapters). */
export interface CallServiceDeps {
  driver: TelephonyDriver;
  flows: FlowResolver;
  store: SessionStore;
  /** Clock for legs that bring none (real PBXes). */
  clock: Clock;
  http: HttpClient;
  logger: Logger;
  /** Deployment settings readable by flows as `${settings.<name>}`. */
  settings: Record<string, string>;
  /** Flow id for numbers no flow claims. */
  defaultFlow?: string;
  /** Regular expressions a transfer target must match. */
  transferAllow: string[];
  /** How long an ended call stays readable. */
  endedRetentionMs: number;
  /** XState inspection hook passed to every session (coverage tooling, debugging). */
  inspect?: SessionDeps['inspect'];
  /** The ACD for `queue` steps (set later with {@link CallService.useQueues} when built after the service). */
  queues?: QueueHost;
  /** Records calls for `record` steps and pauses recordings around sensitive steps (or set later with {@link CallService.useRecordings}). */
  recordings?: RecordingService;
  /** 32-byte AES-256-GCM key for secure variables in stored sessions; share it between nodes so a resumed call keeps them. Default: random per process. */
  secretKey?: Uint8Array;
}

/**
 * Starts and resumes call sessions for the legs a driver hands over, and answers questions
 * about calls (live here, or stored by any node).
 *
 * @example
 * const calls = new CallService({ driver, flows: registry, store, clock: systemClock, http, logger, settings: {}, transferAllow: ['^\\d{3}$'], endedRetentionMs: 3_600_000 });
 * await driver.start(calls.handleIncoming);
 */
export class CallService {
  readonly #deps: CallServiceDeps;
  readonly #sessions = new Map<string, CallSession>();
  readonly #listeners = new Set<CallServiceListener>();
  readonly #transferAllow: RegExp[];
  readonly #logger: Logger;
  #queues: QueueHost | undefined;
  #callbacks: CallbackHost | undefined;
  #recordings: RecordingService | undefined;

  constructor(deps: CallServiceDeps) {
    this.#deps = deps;
    this.#logger = deps.logger;
    this.#queues = deps.queues;
    this.#recordings = deps.recordings;
    secureKey(deps.secretKey); // refuse a bad key at start-up, not on the first call
    this.#transferAllow = deps.transferAllow.map((source) => new RegExp(source));
  }

  /** Pass to `driver.start()`. */
  readonly handleIncoming: IncomingCallHandler = (leg, info) => {
    this.accept(leg, info).catch((err: unknown) => {
      this.#logger.error({ callId: leg.id, err: err instanceof Error ? err.message : String(err) }, 'could not take the call');
    });
  };

  /** Takes a leg: resumes its stored session if there is one, else starts the flow for its number. */
  async accept(leg: CallLeg, info: IncomingCallInfo): Promise<CallSessionHandle | undefined> {
    const local = this.#sessions.get(leg.id);
    if (local && !local.ended()) {
      // Same node, new leg object (the event connection came back): resume from the latest record.
      await local.detach();
      this.#sessions.delete(leg.id);
    }
    const stored = await this.#deps.store.get(leg.id);
    if (stored && stored.state === 'active') {
      const flow = await this.#deps.flows.byVersion(stored.flowVersion);
      if (flow) return this.#track(CallSession.resume(this.#sessionDeps(leg, flow), stored));
      this.#logger.error({ callId: leg.id, version: stored.flowVersion }, 'flow version of a resumed call is unknown; starting over');
    } else if (info.recovered) {
      this.#logger.warn({ callId: leg.id }, 'recovered a call with no stored session; starting its flow');
    }
    const flow = selectFlow(this.#deps.flows, leg.to, this.#deps.defaultFlow);
    if (!flow) {
      this.#logger.error({ callId: leg.id, to: leg.to }, 'no flow answers this number and there is no default flow');
      this.#emit({ type: 'call.error', callId: leg.id, code: 'HOTLINE_ERR_NO_SUCH_FLOW', message: `no flow for ${leg.to}`, at: this.#clockOf(leg).now() });
      await leg.hangup('unavailable').catch(() => {});
      return undefined;
    }
    try {
      return this.#track(await CallSession.start(this.#sessionDeps(leg, flow)));
    } catch (err) {
      if (isHotlineError(err, 'HOTLINE_ERR_CALL_ENDED')) return undefined; // hung up before we answered
      throw err;
    }
  }

  /** A call by id: live on this node, or stored (any node, or recently ended). */
  async getCall(callId: string): Promise<CallView | undefined> {
    const local = this.#sessions.get(callId);
    if (local) return toCallView(local.record());
    const stored = await this.#deps.store.get(callId);
    return stored ? toCallView(stored) : undefined;
  }

  /** Live calls (all nodes sharing the store), or recently ended ones. */
  async listCalls(filter: { state?: 'active' | 'ended' } = {}): Promise<CallView[]> {
    if (filter.state === 'ended') return ((await this.#deps.store.listEnded?.(200)) ?? []).map(toCallView);
    const records = await this.#deps.store.listActive();
    return records.map((r) => {
      const local = this.#sessions.get(r.callId);
      return toCallView(local ? local.record() : r);
    });
  }

  /** Sets the ACD that `queue` steps of calls started from now on use. */
  useQueues(queues: QueueHost): void {
    this.#queues = queues;
  }

  /** Sets the callback host that `callback` steps of calls started from now on use. */
  useCallbacks(callbacks: CallbackHost): void {
    this.#callbacks = callbacks;
  }

  /**
   * Runs flow `flowId` on an answered outbound leg (a callback reaching the customer), with
   * `vars` as initial variables. Resolves with the session; its `done` resolves when it ended.
   * @throws `HOTLINE_ERR_NO_SUCH_FLOW` for an unknown flow.
   */
  async startOutbound(leg: CallLeg, flowId: string, vars: Record<string, unknown>): Promise<CallSessionHandle> {
    const flow = this.#deps.flows.byId(flowId);
    if (!flow) throw hotlineError('HOTLINE_ERR_NO_SUCH_FLOW', `no flow ${flowId}`, { flowId });
    return this.#track(await CallSession.start({ ...this.#sessionDeps(leg, flow), vars }));
  }

  /** Sets the RecordingService that calls started or resumed from now on use. */
  useRecordings(recordings: RecordingService): void {
    this.#recordings = recordings;
  }

  /** The live session of a call on this node. */
  session(callId: string): CallSessionHandle | undefined {
    return this.#sessions.get(callId);
  }

  /** Listens to call events; returns an unsubscribe function. */
  on(listener: CallServiceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls driven by this node. */
  activeCount(): number {
    return [...this.#sessions.values()].filter((s) => !s.ended()).length;
  }

  /** Stops driving calls without hanging them up; their records stay for whoever resumes them. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((s) => s.detach()));
    this.#sessions.clear();
  }

  #track(session: CallSession): CallSession {
    this.#sessions.set(session.callId, session);
    void session.done.then(() => {
      if (this.#sessions.get(session.callId) === session) this.#sessions.delete(session.callId);
    });
    return session;
  }

  #sessionDeps(leg: CallLeg, flow: SessionDeps['flow']): SessionDeps {
    return {
      flow,
      leg,
      store: this.#deps.store,
      clock: this.#clockOf(leg),
      http: this.#deps.http,
      logger: this.#logger,
      settings: this.#deps.settings,
      transferAllow: this.#transferAllow,
      endedRetentionMs: this.#deps.endedRetentionMs,
      publish: (event) => this.#emit(event),
      ...(this.#deps.inspect ? { inspect: this.#deps.inspect } : {}),
      ...(this.#queues ? { queues: this.#queues } : {}),
      ...(this.#recordings ? { recordings: this.#recordings } : {}),
      ...(this.#callbacks ? { callbacks: this.#callbacks } : {}),
      ...(this.#deps.secretKey ? { secretKey: this.#deps.secretKey } : {}),
    };
  }

  #clockOf(leg: CallLeg): Clock {
    return leg.clock ?? this.#deps.clock;
  }

  #emit(event: CallServiceEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#logger.error({ err: err instanceof Error ? err.message : String(err) }, 'call event listener failed');
      }
    }
  }
}
