import type { AcdStore, Offer } from '../../ports/acd-store.ts';
import type { Logger } from '../../ports/logger.ts';
import type { CallLeg } from '../../ports/telephony.ts';
import type { AcdEvent } from './acd-api.ts';
import type { AgentLegOutcome, AgentLegs } from './agent-offers.ts';
import { heldOffer } from './held-offer.ts';
import type { QueueDefinition } from './queue-definition.ts';

/** Slack on a callback ring's offer deadline, so the PBX's own ring timeout (a miss) comes first. */
const RING_GRACE_MS = 5_000;

/** What a kept place needs to be rung for (agent-first): the callback behind ACD entry `entryId`. */
export interface CallbackRingRequest {
  /** The kept place's ACD entry (the callback's id). */
  entryId: string;
  callbackId: string;
  queue: string;
  /** Used when the entry must re-enter the line (a retry after the customer was not reached). */
  priority: number;
  /** The place's original time: a re-entering entry goes back to that place. */
  enqueuedAt: number;
  /** The customer's number (E.164, through the number policy): shown to the agent as caller ID. */
  number?: string;
}

/** The agent who answered a callback's ring (agent-first), still reserved for it. */
export interface CallbackAgent {
  agentId: string;
  offerId: string;
  queue: string;
  /** The agent's answered leg. */
  leg: CallLeg;
  /** Settles when the agent hangs up before the customer was connected. */
  gone: Promise<void>;
}

/** What the connector uses of the ACD service (its store, legs and routing). */
export interface CallbackConnectHost {
  store: AcdStore;
  legs: AgentLegs;
  logger: Logger;
  node: string;
  /** The node id kept places are mailed to (`CALLBACK_INBOX`). */
  inbox: string;
  queue(name: string): QueueDefinition | undefined;
  now(): number;
  publish(event: AcdEvent): void;
  route(queue: string): Promise<void>;
  /** Remembers (or forgets) the queue of a caller driven by this node (wrap-up on leave). */
  track(callId: string, queue: string | undefined): void;
  /** The ACD's own handling of an offer's agent leg (misses, and the end of a connected call). */
  onAgentLeg(offer: Offer, agentId: string, outcome: AgentLegOutcome, leg: CallLeg | undefined): Promise<void>;
  /** Bridges a connected caller to their agent (and starts the queue's conversation recording). */
  connect(callId: string): Promise<void>;
  leave(callId: string, reason: 'abandoned' | 'completed' | 'timeout' | 'left'): Promise<void>;
  routeAgent(agentId: string): Promise<void>;
  /** Hangs up a live leg (the customer's, when the agent ended the call). */
  hangupLeg(legId: string): Promise<void>;
}

interface Waiter {
  request: CallbackRingRequest;
  resolve(agent: CallbackAgent | undefined): void;
  settled: boolean;
  /** Offers of the place this attempt rang (an offer popped by another node is found by {@link CallbackConnector.sweep}). */
  rung: Set<string>;
}

/** One agent leg of an agent-first callback, from its answer to the end of the conversation. */
interface Reserved {
  agent: CallbackAgent;
  /** The customer's leg once connected. */
  customerLegId?: string;
  /** Released by Hotline (the customer was not reached): the leg's end is not the agent's doing. */
  released: boolean;
  markGone(): void;
}

/**
 * Agent-first callbacks (`callback.connect: agent-first`): the agent held for a kept place is
 * rung before the customer is dialled. A miss counts like any missed offer and the place goes
 * back to waiting, so the next agent is tried by the same attempt; the agent who answers stays
 * reserved (`offered`) while the customer's phone rings, and becomes `on-call` with the
 * customer's leg once it answers and is bridged. Waiters are per node: an offer popped from the
 * shared inbox here is rung at once; one another node popped is found by the next sweep.
 */
export class CallbackConnector {
  readonly #host: CallbackConnectHost;
  /** entryId → the attempt waiting for an agent to answer. */
  readonly #waiters = new Map<string, Waiter>();
  /** offerId → the answered agent leg. */
  readonly #reserved = new Map<string, Reserved>();

  constructor(host: CallbackConnectHost) {
    this.#host = host;
  }

  /**
   * Rings the agent(s) for a kept place and resolves with the one who answers. The place is
   * put back in line first when it left (a retry); a place waiting for an agent is rung when
   * its turn comes. Undefined when the place leaves the ACD meanwhile (cancelled) or the queue
   * is unknown.
   */
  async ringForCallback(request: CallbackRingRequest): Promise<CallbackAgent | undefined> {
    const { store } = this.#host;
    const def = this.#host.queue(request.queue);
    if (!def) return undefined;
    this.#waiters.get(request.entryId)?.resolve(undefined);
    let resolve!: (agent: CallbackAgent | undefined) => void;
    const result = new Promise<CallbackAgent | undefined>((r) => (resolve = r));
    const waiter: Waiter = {
      request,
      settled: false,
      rung: new Set(),
      resolve: (agent) => {
        if (waiter.settled) return;
        waiter.settled = true;
        if (this.#waiters.get(request.entryId) === waiter) this.#waiters.delete(request.entryId);
        resolve(agent);
      },
    };
    this.#waiters.set(request.entryId, waiter);
    const now = this.#host.now();
    let caller = await store.getCaller(request.entryId);
    if (!caller) {
      caller = await store.enqueue(
        { callId: request.entryId, queue: def.name, priority: request.priority, node: this.#host.inbox, enqueuedAt: Math.min(now, request.enqueuedAt), data: { callback: request.callbackId } },
        now,
      );
      this.#host.publish({ type: 'queue.joined', callId: request.entryId, queue: def.name, priority: caller.priority, at: now });
      this.#host.logger.info({ entryId: request.entryId, queue: def.name }, 'callback place back in line for an agent');
    }
    if (caller.state === 'connected') {
      waiter.resolve(undefined);
    } else if (caller.state === 'offered' && caller.offerId) {
      // The agent held when the place reached the front.
      this.#ring(waiter, await heldOffer(store, { ...caller, offerId: caller.offerId }, { now, expiresAt: now }));
    } else {
      await this.#host.route(caller.queue);
    }
    return result;
  }

  /** An offer of a kept place popped from the inbox: true when an attempt here waits for it (it is rung now). */
  takeTurn(offer: Offer): boolean {
    const waiter = this.#waiters.get(offer.callId);
    if (!waiter || waiter.settled) return false;
    this.#ring(waiter, offer);
    return true;
  }

  /**
   * Rings offers of places an attempt here waits for that another node popped from the shared
   * inbox (that node only holds the agent): called on every ACD sweep.
   */
  async sweep(): Promise<void> {
    for (const waiter of [...this.#waiters.values()]) {
      if (waiter.settled) continue;
      const caller = await this.#host.store.getCaller(waiter.request.entryId);
      if (caller?.state !== 'offered' || !caller.offerId || waiter.rung.has(caller.offerId) || waiter.settled) continue;
      const now = this.#host.now();
      const offer = await heldOffer(this.#host.store, { ...caller, offerId: caller.offerId }, { now, expiresAt: now });
      if (waiter.settled || waiter.rung.has(offer.offerId)) continue; // rung meanwhile by a drain here
      this.#ring(waiter, offer);
    }
  }

  /** A kept place left the ACD: an attempt waiting for its agent gets none. */
  entryLeft(entryId: string): void {
    this.#waiters.get(entryId)?.resolve(undefined);
  }

  /**
   * The customer answered: the kept place becomes the customer's call (place, wait and the
   * reserved agent), the agent goes `on-call` and the two are bridged; either side hanging up
   * ends the call as for any ACD connection. False when the place or the reservation is gone.
   */
  async connectCallback(entryId: string, agent: CallbackAgent, customerLeg: CallLeg): Promise<boolean> {
    const { store, logger } = this.#host;
    const reserved = this.#reserved.get(agent.offerId);
    const caller = await store.getCaller(entryId);
    if (!reserved || reserved.released || !caller || caller.state !== 'offered' || caller.offerId !== agent.offerId) return false;
    const callId = customerLeg.id;
    await store.renameCaller(entryId, callId, this.#host.node);
    const now = this.#host.now();
    const { ok, released } = await store.offerAnswered(agent.offerId, agent.agentId, now);
    if (!ok) {
      await this.#host.leave(callId, 'left');
      return false;
    }
    reserved.customerLegId = callId;
    this.#host.track(callId, caller.queue);
    for (const other of released) this.#host.publish({ type: 'agent.state', agentId: other, state: 'available', at: now });
    this.#host.publish({ type: 'agent.state', agentId: agent.agentId, state: 'on-call', at: now });
    this.#host.publish({ type: 'queue.answered', callId, queue: caller.queue, agentId: agent.agentId, waitSeconds: Math.round((now - caller.enqueuedAt) / 1000), at: now });
    this.#host.legs.connected({ callId, queue: caller.queue, offerId: agent.offerId, agentId: agent.agentId, leg: agent.leg });
    const off = customerLeg.subscribe((event) => {
      if (event.type !== 'call.hangup') return;
      off();
      this.#reserved.delete(agent.offerId);
      this.#host.leave(callId, 'completed').catch((err: unknown) => logger.error({ err: String(err), callId }, 'callback call end failed'));
    });
    logger.info({ callId, entryId, agentId: agent.agentId, queue: caller.queue }, 'callback customer connected to the agent');
    await this.#host.connect(callId);
    for (const other of released) await this.#host.routeAgent(other);
    return true;
  }

  /**
   * The customer was not reached: the agent's leg is hung up and the place leaves the ACD; the
   * agent is available again at once (no miss, no wrap-up).
   */
  async releaseCallbackAgent(entryId: string, agent: CallbackAgent): Promise<void> {
    const reserved = this.#reserved.get(agent.offerId);
    if (reserved) reserved.released = true;
    this.#reserved.delete(agent.offerId);
    this.#host.legs.release(agent.leg);
    await this.#host.leave(entryId, 'left');
  }

  #ring(waiter: Waiter, offer: Offer): void {
    const def = this.#host.queue(offer.queue);
    if (!def) return;
    waiter.rung.add(offer.offerId);
    const now = this.#host.now();
    void this.#host.store.extendOffer(offer.offerId, now + def.ringTimeoutMs + RING_GRACE_MS).catch(() => false);
    offer.agentIds.forEach((agentId, i) => {
      this.#host.publish({ type: 'agent.state', agentId, state: 'offered', at: now });
      this.#host.logger.info({ entryId: offer.callId, agentId, offerId: offer.offerId }, 'ringing the agent for a callback (agent first)');
      const from = waiter.request.number ?? '';
      void this.#host.legs.ring(offer, agentId, offer.endpoints[i] ?? '', { from, timeoutMs: def.ringTimeoutMs }, (outcome, leg) =>
        this.#onLeg(waiter, offer, agentId, outcome, leg).catch((err: unknown) =>
          this.#host.logger.error({ err: String(err), offerId: offer.offerId }, 'callback agent leg handling failed'),
        ),
      );
    });
  }

  async #onLeg(waiter: Waiter, offer: Offer, agentId: string, outcome: AgentLegOutcome, leg: CallLeg | undefined): Promise<void> {
    if (outcome.type === 'failed') {
      // A miss like any other: the place goes back to waiting and the next agent is tried.
      await this.#host.onAgentLeg(offer, agentId, outcome, leg);
      return;
    }
    if (outcome.type === 'answered') {
      if (!leg || waiter.settled) {
        if (leg) this.#host.legs.release(leg);
        return;
      }
      // Others ringing under ring-all stop; they are released by the store when the customer answers (or the place leaves).
      this.#host.legs.withdraw(offer.offerId);
      let markGone!: () => void;
      const gone = new Promise<void>((r) => (markGone = r));
      const agent: CallbackAgent = { agentId, offerId: offer.offerId, queue: offer.queue, leg, gone };
      this.#reserved.set(offer.offerId, { agent, released: false, markGone });
      // Hold the agent while the customer's phone rings.
      await this.#host.store.extendOffer(offer.offerId, this.#host.now() + holdMs(this.#host.queue(offer.queue)));
      this.#host.logger.info({ entryId: offer.callId, agentId, offerId: offer.offerId }, 'agent answered a callback; dialling the customer');
      waiter.resolve(agent);
      return;
    }
    // ended
    const reserved = this.#reserved.get(offer.offerId);
    if (reserved?.released) return;
    if (!reserved?.customerLegId) {
      reserved?.markGone();
      return;
    }
    const callId = reserved.customerLegId;
    this.#reserved.delete(offer.offerId);
    this.#host.legs.disconnect(callId);
    await this.#host.onAgentLeg({ ...offer, callId }, agentId, outcome, leg);
    this.#host.logger.info({ callId, agentId }, 'agent ended the callback call; hanging up the customer');
    await this.#host.hangupLeg(callId);
  }
}

/** How long an answered agent is held while the customer is dialled. */
function holdMs(def: QueueDefinition | undefined): number {
  return Math.max(120_000, (def?.ringTimeoutMs ?? 0) * 2);
}
