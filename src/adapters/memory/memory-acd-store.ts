import type { AcdStore, AgentLogin, AgentRecord, AgentState, LeaveReason, LeaveResult, Offer, OfferFailedResult, QueuedCaller, QueueRouting, QueueSnapshot } from '../../ports/acd-store.ts';
import { hotlineError } from '../../core/errors.ts';
import { bestHead, checkDuration, checkId, checkPriority, checkQueueRouting, checkStateRequest, checkTime, compareIds, eligibleQueues } from '../../core/acd/routing-order.ts';
import { checkEnqueue, checkLeave, checkLogin, checkOfferFailure } from '../../core/acd/store-input.ts';
import type { EnqueueRequest } from '../../core/acd/store-input.ts';
import { zeroFigures, type AgentEntry } from './acd/agent-book.ts';
import { MemoryAcdState } from './acd/memory-acd-state.ts';

/**
 * The ACD in process memory (one node, no `REDIS_URL`). Every method runs in one synchronous
 * step, so it is as atomic as the Redis scripts. Records are cloned in and out. Picking a caller
 * or an agent scans the queue (linear), which is fine for one node's few hundred calls; the
 * Redis store keeps sorted sets instead.
 */
export class MemoryAcdStore implements AcdStore {
  readonly #s = new MemoryAcdState();

  async setQueues(queues: readonly QueueRouting[]): Promise<void> {
    const checked = queues.map(checkQueueRouting);
    this.#s.queues.clear();
    for (const q of checked) this.#s.queues.set(q.name, q);
    for (const entry of this.#s.agents.values()) {
      if (entry.rec.state !== 'logged-out') entry.rec.queues = eligibleQueues(entry.rec, this.#s.queues.values());
    }
  }

  async login(agent: AgentLogin, now: number): Promise<AgentRecord> {
    const { id, endpoint, skills, queues: requested } = checkLogin(agent, now);
    const existing = this.#s.agents.get(id);
    if (existing && existing.rec.state !== 'logged-out') {
      Object.assign(existing.rec, { endpoint, skills, requestedQueues: requested });
      existing.rec.queues = eligibleQueues(existing.rec, this.#s.queues.values());
      return structuredClone(existing.rec);
    }
    const rec: AgentRecord = {
      id,
      state: 'available',
      endpoint,
      skills,
      requestedQueues: requested,
      queues: [],
      loggedInAt: now,
      stateSince: now,
      idleSince: now,
      missedInRow: 0,
      figures: zeroFigures(),
    };
    rec.queues = eligibleQueues(rec, this.#s.queues.values());
    this.#s.agents.set(id, { rec });
    return structuredClone(rec);
  }

  async logout(agentId: string, now: number): Promise<AgentRecord> {
    const entry = this.#agentOrThrow(agentId);
    checkTime('now', now);
    const a = entry.rec;
    if (a.state === 'offered' || a.state === 'on-call') {
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `agent ${a.id} is ${a.state}: finish the call before logging out`, { agentId: a.id, state: a.state });
    }
    if (a.state !== 'logged-out') {
      this.#s.setState(entry, 'logged-out', now);
      a.queues = [];
    }
    return structuredClone(a);
  }

  async setAgentState(agentId: string, state: 'available' | 'paused', reason: string | undefined, now: number): Promise<AgentRecord> {
    const request = checkStateRequest(state, reason);
    const entry = this.#agentOrThrow(agentId);
    checkTime('now', now);
    const a = entry.rec;
    if (a.state === 'offered' || a.state === 'on-call' || a.state === 'logged-out') {
      const why = a.state === 'logged-out' ? 'is logged out (log in first)' : `is ${a.state} (finish the call first)`;
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `agent ${a.id} ${why}`, { agentId: a.id, state: a.state, requested: state });
    }
    if (a.state !== request.state) this.#s.setState(entry, request.state, now);
    if (request.state === 'paused') {
      if (request.reason !== undefined) a.reason = request.reason;
      else delete a.reason;
    }
    return structuredClone(a);
  }

  async getAgent(agentId: string): Promise<AgentRecord | undefined> {
    const entry = this.#s.agents.get(agentId);
    return entry ? structuredClone(entry.rec) : undefined;
  }

  async listAgents(): Promise<AgentRecord[]> {
    return [...this.#s.agents.values()].map((e) => structuredClone(e.rec)).sort((a, b) => compareIds(a.id, b.id));
  }

  async enqueue(caller: EnqueueRequest, now: number): Promise<QueuedCaller> {
    const { callId, queue, priority, node, enqueuedAt, data } = checkEnqueue(caller, now);
    const existing = this.#s.callers.get(callId);
    if (existing) {
      existing.rec.node = node;
      return structuredClone(existing.rec);
    }
    const rec: QueuedCaller = { callId, queue, priority, enqueuedAt, node, state: 'waiting', agentIds: [], ...(data ? { data } : {}) };
    this.#s.callers.set(callId, { rec });
    this.#s.line(queue).add(callId);
    this.#s.count(queue).entered++;
    return structuredClone(rec);
  }

  async setPriority(callId: string, priority: number): Promise<QueuedCaller | undefined> {
    checkPriority(priority);
    const entry = this.#s.callers.get(callId);
    if (!entry) return undefined;
    if (entry.rec.state !== 'connected') entry.rec.priority = priority;
    return structuredClone(entry.rec);
  }

  async moveCaller(callId: string, queue: string, now: number): Promise<QueuedCaller | undefined> {
    checkId('queue', queue);
    checkTime('now', now);
    const entry = this.#s.callers.get(callId);
    if (!entry) return undefined;
    const c = entry.rec;
    if (c.state !== 'waiting') {
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `caller ${callId} is ${c.state}; only a waiting caller moves`, { callId, state: c.state });
    }
    if (c.queue !== queue) {
      this.#s.line(c.queue).delete(callId);
      this.#s.count(c.queue).left++;
      c.queue = queue;
      this.#s.line(queue).add(callId);
      this.#s.count(queue).entered++;
    }
    return structuredClone(c);
  }

  async leave(callId: string, reason: LeaveReason, now: number, wrapUpMs: number): Promise<LeaveResult> {
    checkLeave(reason, now, wrapUpMs);
    const entry = this.#s.callers.get(callId);
    if (!entry) return { releasedAgents: [] };
    const before = structuredClone(entry.rec);
    const c = entry.rec;
    const released: string[] = [];
    if (c.state === 'connected') {
      const agentId = c.agentIds[0];
      const agent = agentId === undefined ? undefined : this.#s.agents.get(agentId);
      this.#s.endCall(entry, now);
      if (agent && agent.rec.state === 'on-call' && agent.rec.callId === callId) {
        this.#s.toWrapUp(agent, c.queue, now, wrapUpMs);
        released.push(agent.rec.id);
      }
    } else {
      if (c.state === 'offered') released.push(...this.#s.withdraw(c, now));
      const counters = this.#s.count(c.queue);
      if (reason === 'abandoned') {
        counters.abandoned++;
        if (now - c.enqueuedAt <= (this.#s.queues.get(c.queue)?.serviceLevelMs ?? 0)) counters.abandonedInSl++;
      } else {
        counters.left++;
      }
      this.#s.line(c.queue).delete(callId);
    }
    this.#s.callers.delete(callId);
    return { caller: before, releasedAgents: released };
  }

  async renameCaller(fromCallId: string, toCallId: string, node: string, data?: Record<string, string>): Promise<QueuedCaller | undefined> {
    checkId('call', fromCallId);
    checkId('call', toCallId);
    checkId('node', node);
    const entry = this.#s.callers.get(fromCallId);
    if (!entry) return undefined;
    const c = entry.rec;
    if (c.state === 'connected') throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `caller ${fromCallId} is connected: renameCaller is not allowed now`, { callId: fromCallId, state: c.state });
    if (fromCallId !== toCallId && this.#s.callers.has(toCallId)) throw hotlineError('HOTLINE_ERR_CONFLICT', `caller ${toCallId} is already queued`, { callId: toCallId });
    const line = this.#s.line(c.queue);
    line.delete(fromCallId);
    this.#s.callers.delete(fromCallId);
    c.callId = toCallId;
    c.node = node;
    if (data !== undefined) c.data = { ...data };
    line.add(toCallId);
    this.#s.callers.set(toCallId, entry);
    const offer = c.offerId !== undefined ? this.#s.offers.get(c.offerId) : undefined;
    if (offer) {
      offer.callId = toCallId;
      offer.node = node;
      for (const id of c.agentIds) {
        const agent = this.#s.agents.get(id);
        if (agent && agent.rec.offerId === c.offerId) agent.rec.callId = toCallId;
      }
    }
    return structuredClone(c);
  }

  async extendOffer(offerId: string, expiresAt: number): Promise<boolean> {
    checkId('offer', offerId);
    checkTime('expiresAt', expiresAt);
    const offer = this.#s.offers.get(offerId);
    if (!offer) return false;
    offer.expiresAt = expiresAt;
    return true;
  }

  async getCaller(callId: string): Promise<QueuedCaller | undefined> {
    const entry = this.#s.callers.get(callId);
    return entry ? structuredClone(entry.rec) : undefined;
  }

  async position(callId: string): Promise<{ position: number; waiting: number; staffed: number } | undefined> {
    const entry = this.#s.callers.get(callId);
    if (!entry || entry.rec.state === 'connected') return undefined;
    const line = this.#s.ordered(entry.rec.queue);
    return { position: line.findIndex((c) => c.callId === callId) + 1, waiting: line.length, staffed: this.#s.members(entry.rec.queue).length };
  }

  async route(queue: string, now: number, limit = Number.POSITIVE_INFINITY): Promise<Offer[]> {
    checkTime('now', now);
    const q = this.#s.queues.get(queue);
    const offers: Offer[] = [];
    if (!q) return offers;
    while (offers.length < limit) {
      const caller = this.#s.ordered(queue).find((c) => c.state === 'waiting');
      if (!caller) break;
      const available = this.#s.available(q);
      if (available.length === 0) break;
      offers.push(this.#s.offer(caller, q, q.strategy === 'ring-all' ? available : available.slice(0, 1), now));
    }
    return structuredClone(offers);
  }

  async routeAgent(agentId: string, now: number): Promise<Offer | undefined> {
    checkTime('now', now);
    const entry = this.#s.agents.get(agentId);
    if (!entry || entry.rec.state !== 'available') return undefined;
    const heads = entry.rec.queues.flatMap((queue) => {
      const caller = this.#s.ordered(queue).find((c) => c.state === 'waiting');
      return caller ? [{ queue, caller }] : [];
    });
    const best = bestHead(heads);
    if (!best) return undefined;
    const q = this.#s.queues.get(best.queue);
    if (!q) return undefined;
    const agents = q.strategy === 'ring-all' ? this.#s.available(q) : [entry];
    return structuredClone(this.#s.offer(best.caller, q, agents, now));
  }

  async takeOffers(node: string): Promise<Offer[]> {
    const offers = this.#s.inbox.get(node) ?? [];
    this.#s.inbox.delete(node);
    return offers;
  }

  async offerAnswered(offerId: string, agentId: string, now: number): Promise<{ ok: boolean; released: string[] }> {
    checkTime('now', now);
    const offer = this.#s.offers.get(offerId);
    const entry = offer && this.#s.callers.get(offer.callId);
    const agent = this.#s.agents.get(agentId);
    if (!offer || !entry || !agent) return { ok: false, released: [] };
    const c = entry.rec;
    if (c.offerId !== offerId || !c.agentIds.includes(agentId) || agent.rec.state !== 'offered' || agent.rec.offerId !== offerId) {
      return { ok: false, released: [] };
    }
    const released: string[] = [];
    for (const otherId of c.agentIds) {
      const other = this.#s.agents.get(otherId);
      if (otherId === agentId || !other || other.rec.state !== 'offered' || other.rec.offerId !== offerId) continue;
      this.#s.setState(other, 'available', now);
      released.push(otherId);
    }
    this.#s.setState(agent, 'on-call', now);
    Object.assign(agent.rec, { offerId, callId: c.callId, missedInRow: 0 });
    agent.rec.figures.answered++;
    this.#s.line(c.queue).delete(c.callId);
    c.state = 'connected';
    c.agentIds = [agentId];
    entry.connectedAt = now;
    this.#s.offers.delete(offerId);
    const counters = this.#s.count(c.queue);
    const wait = now - c.enqueuedAt;
    counters.answered++;
    counters.answerWaitMsSum += wait;
    if (wait <= (this.#s.queues.get(c.queue)?.serviceLevelMs ?? 0)) counters.answeredInSl++;
    return { ok: true, released };
  }

  async offerFailed(offerId: string, agentId: string, reason: 'missed' | 'rejected' | 'failed', now: number, maxMissed: number): Promise<OfferFailedResult> {
    checkOfferFailure(reason, now, maxMissed);
    const agent = this.#s.agents.get(agentId);
    let callId = this.#s.offers.get(offerId)?.callId;
    let agentOut: AgentRecord | undefined;
    if (agent && agent.rec.state === 'offered' && agent.rec.offerId === offerId) {
      callId ??= agent.rec.callId;
      const a = agent.rec;
      a.figures.missed++;
      a.missedInRow++;
      if (maxMissed > 0 && a.missedInRow >= maxMissed) {
        this.#s.setState(agent, 'paused', now);
        a.reason = 'missed-offers';
      } else {
        this.#s.setState(agent, 'available', now);
      }
      agentOut = structuredClone(a);
    }
    let callerRequeued = false;
    const entry = callId === undefined ? undefined : this.#s.callers.get(callId);
    if (entry && entry.rec.offerId === offerId) {
      const c = entry.rec;
      c.agentIds = c.agentIds.filter((id) => id !== agentId);
      if (c.agentIds.length === 0 && c.state === 'offered') {
        c.state = 'waiting';
        delete c.offerId;
        this.#s.offers.delete(offerId);
        callerRequeued = true;
      }
    }
    return { ...(agentOut ? { agent: agentOut } : {}), callerRequeued };
  }

  async expireOffers(now: number): Promise<Offer[]> {
    checkTime('now', now);
    const expired = [...this.#s.offers.values()].filter((o) => o.expiresAt <= now).sort((a, b) => a.expiresAt - b.expiresAt || compareIds(a.offerId, b.offerId));
    for (const offer of expired) {
      const entry = this.#s.callers.get(offer.callId);
      if (entry && entry.rec.offerId === offer.offerId && entry.rec.state === 'offered') this.#s.withdraw(entry.rec, now);
      else this.#s.offers.delete(offer.offerId);
    }
    return structuredClone(expired);
  }

  async agentCallEnded(callId: string, agentId: string, now: number, wrapUpMs: number): Promise<AgentRecord | undefined> {
    checkTime('now', now);
    checkDuration('wrapUpMs', wrapUpMs);
    const agent = this.#s.agents.get(agentId);
    const entry = this.#s.callers.get(callId);
    if (!agent || agent.rec.state !== 'on-call' || agent.rec.callId !== callId) return undefined;
    const queue = entry?.rec.queue ?? agent.rec.queues[0] ?? '';
    if (entry && entry.rec.state === 'connected' && entry.rec.agentIds[0] === agentId) {
      this.#s.endCall(entry, now);
      this.#s.callers.delete(callId);
    }
    this.#s.toWrapUp(agent, queue, now, wrapUpMs);
    return structuredClone(agent.rec);
  }

  async finishWrapUps(now: number): Promise<string[]> {
    checkTime('now', now);
    const done = [...this.#s.agents.values()]
      .filter((e) => e.rec.state === 'wrap-up' && (e.rec.wrapUntil ?? 0) <= now)
      .sort((a, b) => (a.rec.wrapUntil ?? 0) - (b.rec.wrapUntil ?? 0) || compareIds(a.rec.id, b.rec.id));
    for (const e of done) this.#s.setState(e, 'available', now);
    return done.map((e) => e.rec.id);
  }

  /** Connected callers are not listed: `callers` holds the waiting and offered ones, in order. */
  async queueSnapshot(queue: string): Promise<QueueSnapshot> {
    const agents: Record<AgentState, number> = { available: 0, offered: 0, 'on-call': 0, 'wrap-up': 0, paused: 0, 'logged-out': 0 };
    for (const a of this.#s.members(queue)) agents[a.rec.state]++;
    return { name: queue, callers: structuredClone(this.#s.ordered(queue)), agents, counters: structuredClone(this.#s.count(queue)) };
  }

  async queuesWithWaiting(): Promise<string[]> {
    return [...this.#s.lines.keys()].filter((q) => this.#s.ordered(q).some((c) => c.state === 'waiting')).sort(compareIds);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  // internals ---------------------------------------------------------------------------------

  #agentOrThrow(agentId: string): AgentEntry {
    checkId('agent', agentId);
    const entry = this.#s.agents.get(agentId);
    if (!entry) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `no agent ${agentId}`, { agentId });
    return entry;
  }
}
