import type { AcdStore, Offer, QueuedCaller } from '../../ports/acd-store.ts';
import type { Clock, TimerHandle } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { CallLeg, TelephonyDriver } from '../../ports/telephony.ts';
import { hotlineError } from '../errors.ts';
import type { CallSessionHandle } from '../call/call-session.ts';
import type { CallView } from '../call/types.ts';
import type { AcdApi, AcdEvent, AgentView, QueueView } from './acd-api.ts';
import { AgentLegs, type AgentLegOutcome } from './agent-offers.ts';
import { callerPriority } from './caller-priority.ts';
import { CallbackConnector, type CallbackAgent, type CallbackRingRequest } from './callback-connect.ts';
import { collectLiveCallers, type AcdConnection, type LiveCaller } from './live-callers.ts';
import { agentView, estimatedWaitSeconds, queueView } from './figures.ts';
import type { QueueDefinition } from './queue-definition.ts';
import type { QueueHost } from './queue-host.ts';
import { QueueRecording, type QueueRecorder } from './queue-recording.ts';
import { CALLBACK_INBOX, callbackEntry, KeptPlaces, type CallbackTurns } from './kept-places.ts';

export type { AcdConnection, LiveCaller } from './live-callers.ts';
export { CALLBACK_INBOX, CALLBACK_HOLD_MS, type CallbackTurns } from './kept-places.ts';

/** The queues the ACD routes (the queue-file registry). */
export interface QueueCatalog {
  get(name: string): QueueDefinition | undefined;
  list(): QueueDefinition[];
  /** Called after every reload; returns an unsubscribe function. */
  onChange?(listener: () => void): () => void;
}

/** The calls of this node (the call service). */
export interface CallDirectory {
  session(callId: string): CallSessionHandle | undefined;
  getCall(callId: string): Promise<CallView | undefined>;
}

/** What the ACD service is built from. */
export interface AcdServiceDeps {
  store: AcdStore;
  queues: QueueCatalog;
  driver: TelephonyDriver;
  calls: CallDirectory;
  clock: Clock;
  logger: Logger;
  /** This node's id: offers for callers whose session runs here are mailed to it. */
  node: string;
  /** How often the sweep routes, expires offers and ends wrap-ups. Default 500 ms. */
  sweepMs?: number;
  /** Carries out the queues' `recording` policies (set later with {@link AcdService.useRecordings}). */
  recordings?: QueueRecorder;
}

/**
 * The ACD: callers join queues from `queue` steps, agents log in from the API, and the store
 * (Redis or memory) decides atomically who gets whom. This service carries out the decisions
 * of callers whose session runs on this node — ringing agents, bridging, wrap-up — and a
 * periodic sweep catches what no event triggers (offers of a dead node, wrap-ups that ended).
 *
 * @example
 * const acd = new AcdService({ store, queues, driver, calls, clock: systemClock, logger, node: 'node-1' });
 * calls.useQueues(acd);
 * await acd.start();
 */
export class AcdService implements AcdApi, QueueHost {
  readonly #deps: AcdServiceDeps;
  readonly #logger: Logger;
  readonly #legs: AgentLegs;
  readonly #listeners = new Set<(event: AcdEvent) => void>();
  /** callId → queue, for callers of this node. */
  readonly #callerQueue = new Map<string, string>();
  readonly #maxWait = new Map<string, TimerHandle>();
  readonly #avgHandle = new Map<string, { ms: number[]; at: number }>();
  #sweepTimer: TimerHandle | undefined;
  #sweeping = false;
  #stopped = false;
  #unwatch: (() => void) | undefined;
  #recording: QueueRecording | undefined;
  #callbacks: CallbackTurns | undefined;
  readonly #connector: CallbackConnector;
  readonly #places: KeptPlaces;

  constructor(deps: AcdServiceDeps) {
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'acd', node: deps.node });
    this.#legs = new AgentLegs(deps.driver, this.#logger);
    const track = (callId: string, queue: string | undefined): void => void (queue ? this.#callerQueue.set(callId, queue) : this.#callerQueue.delete(callId));
    this.#connector = new CallbackConnector({
      store: deps.store, legs: this.#legs, logger: this.#logger, node: deps.node, inbox: CALLBACK_INBOX,
      queue: (name) => deps.queues.get(name),
      now: () => this.#now(),
      publish: (event) => this.#publish(event),
      route: (queue) => this.#route(queue),
      routeAgent: (agentId) => this.#routeAgent(agentId),
      track,
      onAgentLeg: (offer, agentId, outcome, leg) => this.#onAgentLeg(offer, agentId, outcome, leg),
      connect: (callId) => this.connect(callId),
      leave: (callId, reason) => this.leave(callId, reason),
      hangupLeg: async (legId) => void (await deps.driver.getLeg(legId)?.hangup('normal').catch(() => undefined)),
    });
    this.#places = new KeptPlaces({
      store: deps.store, logger: this.#logger, node: deps.node, connector: this.#connector,
      queue: (name) => this.#queue(name),
      now: () => this.#now(),
      publish: (event) => this.#publish(event),
      route: (queue) => this.#route(queue),
      track,
      leave: (callId, reason) => this.leave(callId, reason),
      startOffer: (offer) => this.#startOffer(offer),
    });
    if (deps.recordings) this.useRecordings(deps.recordings);
  }

  /** Records calls as their queues' `recording` policies say. */
  useRecordings(recorder: QueueRecorder): void {
    this.#recording = new QueueRecording(recorder, async (callId) => (await this.#deps.calls.getCall(callId))?.flow, this.#logger);
  }

  /** Where kept places reaching the front are reported (the callback service). */
  useCallbacks(callbacks: CallbackTurns): void {
    this.#callbacks = callbacks;
  }

  /**
   * Turns a waiting caller's place into a callback entry `entryId` (node {@link CALLBACK_INBOX},
   * `data.callback`): the place, priority and wait are kept and other callers count it.
   * Undefined when the caller is not in line any more.
   */
  async keepPlace(callId: string, entryId: string): Promise<QueuedCaller | undefined> {
    const renamed = await this.#places.keep(callId, entryId);
    if (renamed) this.#clearMaxWait(callId);
    return renamed;
  }

  /** A callback entry leaves the line (its customer did not answer): a held agent is released without a miss. */
  async releaseCallbackEntry(entryId: string): Promise<void> {
    await this.leave(entryId, 'left');
  }

  /** Agent-first callbacks: rings the agent(s) for a kept place; resolves with the one who answered (see {@link CallbackConnector}). */
  ringForCallback(request: CallbackRingRequest): Promise<CallbackAgent | undefined> {
    return this.#connector.ringForCallback(request);
  }

  /** Agent-first callbacks: the customer answered; bridges them to the reserved agent. False when the place or agent is gone. */
  connectCallback(entryId: string, agent: CallbackAgent, customerLeg: CallLeg): Promise<boolean> {
    return this.#connector.connectCallback(entryId, agent, customerLeg);
  }

  /** Agent-first callbacks: the customer was not reached; hangs up the agent (available again, no wrap-up) and releases the place. */
  releaseCallbackAgent(entryId: string, agent: CallbackAgent): Promise<void> {
    return this.#connector.releaseCallbackAgent(entryId, agent);
  }

  /** Pushes the queue definitions to the store and starts the sweep. */
  async start(): Promise<void> {
    await this.#syncQueues();
    this.#unwatch = this.#deps.queues.onChange?.(() => {
      this.#syncQueues().catch((err: unknown) => this.#logger.error({ err: String(err) }, 'queue sync failed'));
    });
    this.#scheduleSweep();
  }

  /** Stops the sweep and timers; calls and agents stay as they are for another node (or a restart). */
  stop(): void {
    this.#stopped = true;
    this.#unwatch?.();
    if (this.#sweepTimer) this.#deps.clock.clearTimeout(this.#sweepTimer);
    for (const handle of this.#maxWait.values()) this.#deps.clock.clearTimeout(handle);
    this.#maxWait.clear();
  }

  on(listener: (event: AcdEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // QueueHost (call sessions) ----------------------------------------------------------------

  async join(request: { callId: string; queue: string; from: string; priority?: number; vars: Record<string, unknown> }): Promise<void> {
    const def = this.#queue(request.queue);
    if (await this.#places.takeOver(request.callId, def.name, request.vars)) return;
    // A callback's own call enters with the callback's priority (and a missed kept place at its original time).
    const cb = callbackEntry(request.vars, def.name);
    const priority = cb?.priority ?? callerPriority(def, request.from, request.vars, request.priority);
    const now = this.#now();
    const caller = await this.#deps.store.enqueue(
      { callId: request.callId, queue: def.name, priority, node: this.#deps.node, ...(cb?.enqueuedAt !== undefined ? { enqueuedAt: Math.min(now, cb.enqueuedAt) } : {}) },
      now,
    );
    this.#callerQueue.set(request.callId, caller.queue);
    this.#logger.info({ callId: request.callId, queue: caller.queue, priority, state: caller.state }, 'caller joined queue');
    this.#publish({ type: 'queue.joined', callId: request.callId, queue: caller.queue, priority, at: now });
    if (caller.state === 'waiting') {
      const queueDef = this.#deps.queues.get(caller.queue) ?? def;
      this.#armMaxWait(request.callId, queueDef, Math.max(0, queueDef.maxWaitMs - (now - caller.enqueuedAt)));
    }
    await this.#recording?.joined(this.#deps.queues.get(caller.queue) ?? def, this.#deps.driver.getLeg(request.callId));
    await this.#route(caller.queue);
  }

  async leave(callId: string, reason: 'abandoned' | 'completed' | 'timeout' | 'left'): Promise<void> {
    this.#clearMaxWait(callId);
    this.#connector.entryLeft(callId);
    const queueName = this.#callerQueue.get(callId);
    this.#callerQueue.delete(callId);
    const def = queueName ? this.#deps.queues.get(queueName) : undefined;
    const now = this.#now();
    const result = await this.#deps.store.leave(callId, reason, now, def?.wrapUpMs ?? 0);
    const caller = result.caller;
    // A call a supervisor took over is not in the store any more, but its leg is still up here.
    const connection = this.#legs.disconnect(callId);
    if (connection) await this.#recording?.ended(callId);
    if (!caller) return;
    if (caller.offerId) this.#legs.withdraw(caller.offerId);
    const waitSeconds = Math.round((now - caller.enqueuedAt) / 1000);
    this.#publish({ type: 'queue.left', callId, queue: caller.queue, reason, waitSeconds, at: now });
    this.#logger.info({ callId, queue: caller.queue, reason, waitSeconds }, 'caller left queue');
    for (const agentId of result.releasedAgents) {
      // The agent who talked to the caller goes to wrap-up (routed when it ends); a withdrawn offer frees the agent now.
      const wrapUpMs = connection?.agentId === agentId ? (def?.wrapUpMs ?? 0) : 0;
      this.#publish({ type: 'agent.state', agentId, state: wrapUpMs > 0 ? 'wrap-up' : 'available', at: now });
      if (wrapUpMs > 0) this.#scheduleWrapUp(wrapUpMs);
      else await this.#routeAgent(agentId);
    }
  }

  async status(callId: string): Promise<{ position: number; ewtMinutes: number; everyMs: number; sayPosition: boolean; sayWait: boolean }> {
    const place = await this.#deps.store.position(callId);
    const queueName = this.#callerQueue.get(callId) ?? (await this.#deps.store.getCaller(callId))?.queue;
    const def = queueName ? this.#deps.queues.get(queueName) : undefined;
    if (!place || !def) return { position: 0, ewtMinutes: 0, everyMs: 0, sayPosition: false, sayWait: false };
    const recent = await this.#recentHandle(def.name);
    const seconds = estimatedWaitSeconds(place.position, place.staffed, recent, def.defaultHandleTimeMs);
    return {
      position: place.position,
      ewtMinutes: Math.max(1, Math.ceil(seconds / 60)),
      everyMs: def.announce.everyMs,
      sayPosition: def.announce.position,
      sayWait: def.announce.waitTime,
    };
  }

  async connect(callId: string): Promise<void> {
    await this.#legs.bridge(callId);
    const connection = this.#legs.connection(callId);
    const def = connection ? this.#deps.queues.get(connection.queue) : undefined;
    if (connection && def) await this.#recording?.connected(def, callId, connection.bridge, connection.agentId);
  }

  // supervisors ------------------------------------------------------------------------------

  /** This node's id. */
  get node(): string {
    return this.#deps.node;
  }

  /** The caller's connection on this node, if they are talking to an agent (or a supervisor after a takeover). */
  connectionOf(callId: string): AcdConnection | undefined {
    const c = this.#legs.connection(callId);
    if (!c) return undefined;
    return {
      callId: c.callId,
      queue: c.queue,
      agentId: c.agentId,
      agentLegId: c.takenOver?.agentLegId ?? c.leg.id,
      leg: c.leg,
      ...(c.bridge ? { bridgeId: c.bridge.id, bridge: c.bridge } : {}),
      ...(c.takenOver ? { takenOverAt: c.takenOver.at } : {}),
    };
  }

  /** The caller as the store has it (any node): queue, state and the node driving the call. */
  async callerOf(callId: string): Promise<QueuedCaller | undefined> {
    return this.#deps.store.getCaller(callId);
  }

  /**
   * A supervisor takes the call over: the connection now points at `supervisorLeg` (the
   * caller's queue step ends when that leg hangs up and the flow goes on), the agent's leg is
   * hung up without ending the caller's call, and the agent goes to wrap-up as if the call
   * completed. `switchAudio` runs in between, so the PBX moves the audio before the agent's
   * leg goes (a driver may hang the agent up itself; that is not the call ending).
   * @throws `HOTLINE_ERR_ILLEGAL_STATE` when the caller is not connected to an agent on this node.
   */
  async takeover(callId: string, supervisorLeg: CallLeg, switchAudio?: () => Promise<void>): Promise<void> {
    const connection = this.#legs.connection(callId);
    if (!connection || connection.takenOver) {
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `call ${callId} is not connected to an agent on this node`, { callId });
    }
    const { agentId, queue } = connection;
    const agentLeg = this.#legs.takeover(callId, supervisorLeg, this.#now(), () => {
      this.#logger.info({ callId, queue, legId: supervisorLeg.id }, 'supervisor who took the call over hung up');
      this.#deps.calls.session(callId)?.deliver({ type: 'queue.done', queue });
    });
    if (!agentLeg) throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `call ${callId} is not connected to an agent on this node`, { callId });
    try {
      await switchAudio?.();
    } catch (err) {
      this.#legs.revertTakeover(callId, agentLeg);
      throw err;
    }
    this.#legs.releaseAgent(agentLeg);
    const def = this.#deps.queues.get(queue);
    const now = this.#now();
    const agent = await this.#deps.store.agentCallEnded(callId, agentId, now, def?.wrapUpMs ?? 0);
    this.#logger.info({ callId, agentId, queue, legId: supervisorLeg.id }, 'supervisor took the call over');
    if (agent) this.#publish({ type: 'agent.state', agentId, state: agent.state, at: now });
    this.#scheduleWrapUp(def?.wrapUpMs ?? 0);
    if (agent?.state === 'available') await this.#routeAgent(agentId);
  }

  /**
   * Every caller the ACD holds (all nodes): waiting and offered callers of each queue, callers
   * connected to an agent, and calls taken over by a supervisor on this node. `now` is the ACD clock.
   */
  async liveCallers(): Promise<{ now: number; callers: LiveCaller[] }> {
    const callers = await collectLiveCallers(this.#deps.store, this.#deps.queues.list().map((q) => q.name), this.#legs.connections(), this.#deps.node);
    return { now: this.#now(), callers };
  }

  // AcdApi (HTTP) ----------------------------------------------------------------------------

  async login(agentId: string, request: { endpoint: string; skills: Record<string, number>; queues?: string[] }): Promise<AgentView> {
    for (const name of request.queues ?? []) {
      if (!this.#deps.queues.get(name)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `unknown queue \`${name}\``, { queue: name });
    }
    const now = this.#now();
    const agent = await this.#deps.store.login({ id: agentId, endpoint: request.endpoint, skills: request.skills, queues: request.queues ?? null }, now);
    this.#logger.info({ agentId, queues: agent.queues }, 'agent logged in');
    this.#publish({ type: 'agent.state', agentId, state: agent.state, at: now });
    await this.#routeAgent(agentId);
    return agentView((await this.#deps.store.getAgent(agentId)) ?? agent, this.#now());
  }

  async setAgentState(agentId: string, state: 'available' | 'paused', reason?: string): Promise<AgentView> {
    const now = this.#now();
    const agent = await this.#deps.store.setAgentState(agentId, state, reason, now);
    this.#publish({ type: 'agent.state', agentId, state: agent.state, ...(agent.reason ? { reason: agent.reason } : {}), at: now });
    if (state === 'available') await this.#routeAgent(agentId);
    return agentView((await this.#deps.store.getAgent(agentId)) ?? agent, this.#now());
  }

  async logout(agentId: string): Promise<AgentView> {
    const now = this.#now();
    const agent = await this.#deps.store.logout(agentId, now);
    this.#publish({ type: 'agent.state', agentId, state: agent.state, at: now });
    return agentView(agent, now);
  }

  async getAgent(agentId: string): Promise<AgentView> {
    const agent = await this.#deps.store.getAgent(agentId);
    if (!agent) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `no agent \`${agentId}\``, { agentId });
    return agentView(agent, this.#now());
  }

  async listAgents(): Promise<AgentView[]> {
    const now = this.#now();
    return (await this.#deps.store.listAgents()).map((a) => agentView(a, now));
  }

  async listQueues(): Promise<QueueView[]> {
    const agents = await this.#deps.store.listAgents();
    const defs = [...this.#deps.queues.list()].sort((a, b) => a.name.localeCompare(b.name));
    return Promise.all(defs.map(async (def) => queueView(def, await this.#deps.store.queueSnapshot(def.name), agents, this.#now())));
  }

  async getQueue(name: string): Promise<QueueView> {
    const def = this.#deps.queues.get(name);
    if (!def) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `no queue \`${name}\``, { queue: name });
    const [snapshot, agents] = await Promise.all([this.#deps.store.queueSnapshot(name), this.#deps.store.listAgents()]);
    return queueView(def, snapshot, agents, this.#now());
  }

  // routing ----------------------------------------------------------------------------------

  /** Routes a queue now and carries out the offers mailed to this node. */
  async #route(queue: string): Promise<void> {
    await this.#deps.store.route(queue, this.#now());
    await this.#drainInbox();
  }

  async #routeAgent(agentId: string): Promise<void> {
    await this.#deps.store.routeAgent(agentId, this.#now());
    await this.#drainInbox();
  }

  async #drainInbox(): Promise<void> {
    const offers = await this.#deps.store.takeOffers(this.#deps.node);
    for (const offer of offers) await this.#startOffer(offer);
    // Kept places reaching the front: whichever node pops the shared inbox first handles them.
    for (const offer of await this.#deps.store.takeOffers(CALLBACK_INBOX)) await this.#places.turn(offer, this.#callbacks);
  }

  async #startOffer(offer: Offer): Promise<void> {
    const session = this.#deps.calls.session(offer.callId);
    const def = this.#deps.queues.get(offer.queue);
    if (!session || session.ended() || !def) {
      // The caller hung up while the offer was being made, or their session is not here any
      // more: give the agents back.
      if (session?.ended()) this.#logger.info({ callId: offer.callId, offerId: offer.offerId }, 'offer for a caller who already hung up');
      else this.#logger.warn({ callId: offer.callId, offerId: offer.offerId }, 'offer for a call this node no longer drives');
      await this.leave(offer.callId, 'abandoned');
      return;
    }
    const view = await this.#deps.calls.getCall(offer.callId);
    const caller = await this.#deps.store.getCaller(offer.callId);
    const now = this.#now();
    offer.agentIds.forEach((agentId, i) => {
      this.#publish({
        type: 'agent.offered',
        screenPop: {
          offerId: offer.offerId,
          callId: offer.callId,
          queue: offer.queue,
          agentId,
          from: view?.from ?? '',
          to: view?.to ?? '',
          priority: caller?.priority ?? 0,
          waitSeconds: caller ? Math.round((now - caller.enqueuedAt) / 1000) : 0,
          variables: view?.variables ?? {},
          lookups: session.screenPop(),
          path: view?.path ?? [],
          at: now,
        },
      });
      this.#publish({ type: 'agent.state', agentId, state: 'offered', at: now });
      this.#logger.info({ callId: offer.callId, agentId, offerId: offer.offerId, endpoint: offer.endpoints[i] }, 'offering call to agent');
      void this.#legs.ring(offer, agentId, offer.endpoints[i] ?? '', { from: view?.from ?? '', timeoutMs: def.ringTimeoutMs }, (outcome, leg) =>
        this.#onAgentLeg(offer, agentId, outcome, leg).catch((err: unknown) => this.#logger.error({ err: String(err), offerId: offer.offerId }, 'agent leg handling failed')),
      );
    });
  }

  async #onAgentLeg(offer: Offer, agentId: string, outcome: AgentLegOutcome, agentLeg: CallLeg | undefined): Promise<void> {
    const def = this.#deps.queues.get(offer.queue);
    const now = this.#now();
    switch (outcome.type) {
      case 'answered': {
        const { ok, released } = await this.#deps.store.offerAnswered(offer.offerId, agentId, now);
        if (!ok) {
          if (agentLeg) this.#legs.release(agentLeg);
          return;
        }
        this.#legs.withdraw(offer.offerId, released);
        for (const other of released) this.#publish({ type: 'agent.state', agentId: other, state: 'available', at: now });
        const session = this.#deps.calls.session(offer.callId);
        const leg = this.#deps.driver.getLeg(offer.callId);
        const caller = await this.#deps.store.getCaller(offer.callId);
        this.#clearMaxWait(offer.callId);
        this.#publish({ type: 'agent.state', agentId, state: 'on-call', at: now });
        this.#publish({ type: 'queue.answered', callId: offer.callId, queue: offer.queue, agentId, waitSeconds: caller ? Math.round((now - caller.enqueuedAt) / 1000) : 0, at: now });
        this.#logger.info({ callId: offer.callId, agentId, queue: offer.queue }, 'agent answered');
        if (agentLeg) this.#legs.connected({ callId: offer.callId, queue: offer.queue, offerId: offer.offerId, agentId, leg: agentLeg });
        if (!session || session.ended() || !leg) {
          await this.leave(offer.callId, 'abandoned');
          return;
        }
        session.deliver({ type: 'queue.answered', queue: offer.queue, agentId });
        for (const other of released) await this.#routeAgent(other);
        return;
      }
      case 'failed': {
        const result = await this.#deps.store.offerFailed(offer.offerId, agentId, outcome.reason, now, def?.maxMissedOffers ?? 3);
        if (result.agent) this.#publish({ type: 'agent.state', agentId, state: result.agent.state, ...(result.agent.reason ? { reason: result.agent.reason } : {}), at: now });
        this.#logger.info({ callId: offer.callId, agentId, reason: outcome.reason, agentState: result.agent?.state }, 'agent did not take the offer');
        if (result.callerRequeued) await this.#route(offer.queue);
        if (result.agent?.state === 'available') await this.#routeAgent(agentId);
        return;
      }
      case 'ended': {
        const agent = await this.#deps.store.agentCallEnded(offer.callId, agentId, now, def?.wrapUpMs ?? 0);
        this.#callerQueue.delete(offer.callId);
        if (agent) this.#publish({ type: 'agent.state', agentId, state: agent.state, at: now });
        this.#logger.info({ callId: offer.callId, agentId }, 'agent leg ended');
        await this.#recording?.ended(offer.callId);
        this.#deps.calls.session(offer.callId)?.deliver({ type: 'queue.done', queue: offer.queue });
        this.#scheduleWrapUp(def?.wrapUpMs ?? 0);
        if (agent?.state === 'available') await this.#routeAgent(agentId);
        return;
      }
    }
  }

  // timers -----------------------------------------------------------------------------------

  #armMaxWait(callId: string, def: QueueDefinition, ms: number): void {
    this.#clearMaxWait(callId);
    this.#maxWait.set(
      callId,
      this.#deps.clock.setTimeout(() => {
        this.#maxWait.delete(callId);
        this.#onMaxWait(callId, def).catch((err: unknown) => this.#logger.error({ err: String(err), callId }, 'max-wait handling failed'));
      }, ms),
    );
  }

  #clearMaxWait(callId: string): void {
    const handle = this.#maxWait.get(callId);
    if (handle) this.#deps.clock.clearTimeout(handle);
    this.#maxWait.delete(callId);
  }

  async #onMaxWait(callId: string, def: QueueDefinition): Promise<void> {
    const caller = await this.#deps.store.getCaller(callId);
    if (!caller || caller.state === 'connected') return;
    const action = def.whenMaxWait;
    if (action.action === 'overflow') {
      const target = this.#deps.queues.get(action.queue);
      if (target) {
        const moved = await this.#deps.store.moveCaller(callId, target.name, this.#now());
        if (moved) {
          this.#callerQueue.set(callId, target.name);
          this.#publish({ type: 'queue.overflowed', callId, from: def.name, to: target.name, at: this.#now() });
          this.#logger.info({ callId, from: def.name, to: target.name }, 'caller overflowed');
          this.#armMaxWait(callId, target, target.maxWaitMs);
          await this.#route(target.name);
          return;
        }
      }
    }
    this.#deps.calls.session(callId)?.deliver({ type: 'queue.timeout', queue: def.name, action: action.action === 'overflow' ? 'leave' : action.action });
  }

  #scheduleWrapUp(ms: number): void {
    if (ms <= 0 || this.#stopped) return;
    this.#deps.clock.setTimeout(() => void this.#sweep(), ms);
  }

  #scheduleSweep(): void {
    if (this.#stopped) return;
    this.#sweepTimer = this.#deps.clock.setTimeout(() => {
      void this.#sweep().finally(() => this.#scheduleSweep());
    }, this.#deps.sweepMs ?? 500);
  }

  /** Catches up on what no event triggered: mail for this node, expired offers, ended wrap-ups, idle pairs. */
  async #sweep(): Promise<void> {
    if (this.#sweeping || this.#stopped) return;
    this.#sweeping = true;
    try {
      const store = this.#deps.store;
      await this.#drainInbox();
      await this.#connector.sweep();
      const now = this.#now();
      for (const offer of await store.expireOffers(now)) this.#legs.withdraw(offer.offerId);
      for (const agentId of await store.finishWrapUps(now)) {
        this.#publish({ type: 'agent.state', agentId, state: 'available', at: now });
        await this.#routeAgent(agentId);
      }
      for (const queue of await store.queuesWithWaiting()) await this.#route(queue);
    } catch (err) {
      this.#logger.warn({ err: String(err) }, 'acd sweep failed');
    } finally {
      this.#sweeping = false;
    }
  }

  async #syncQueues(): Promise<void> {
    await this.#deps.store.setQueues(
      this.#deps.queues.list().map((q) => ({
        name: q.name,
        strategy: q.strategy,
        skills: { ...q.skills },
        ringTimeoutMs: q.ringTimeoutMs,
        serviceLevelMs: q.serviceLevel.thresholdMs,
      })),
    );
  }

  async #recentHandle(queue: string): Promise<number[]> {
    const cached = this.#avgHandle.get(queue);
    const now = this.#now();
    if (cached && now - cached.at < 5000) return cached.ms;
    const snapshot = await this.#deps.store.queueSnapshot(queue);
    this.#avgHandle.set(queue, { ms: snapshot.counters.recentHandleMs, at: now });
    return snapshot.counters.recentHandleMs;
  }

  #queue(name: string): QueueDefinition {
    const def = this.#deps.queues.get(name);
    if (!def) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `no queue \`${name}\``, { queue: name });
    return def;
  }

  #now(): number {
    return this.#deps.clock.now();
  }

  #publish(event: AcdEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#logger.error({ err: String(err) }, 'acd event listener failed');
      }
    }
  }
}
