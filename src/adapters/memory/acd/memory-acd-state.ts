import type { AgentState, Offer, QueueCounters, QueuedCaller, QueueRouting } from '../../../ports/acd-store.ts';
import { OFFER_GRACE_MS, RECENT_HANDLE_KEEP, availabilityScore, compareCallers, compareIds } from '../../../core/acd/routing-order.ts';
import { changeState, zeroCounters, type AgentEntry } from './agent-book.ts';

/** A caller as the memory store keeps it: the record plus when it was connected. */
export interface CallerEntry {
  rec: QueuedCaller;
  connectedAt?: number;
}

/**
 * The memory ACD's data and the steps its operations share (state changes with their time
 * accounting, offers, withdrawals, queue counters). Records here are live: the store clones
 * what it hands out.
 */
export class MemoryAcdState {
  readonly queues = new Map<string, QueueRouting>();
  readonly agents = new Map<string, AgentEntry>();
  readonly callers = new Map<string, CallerEntry>();
  /** Waiting and offered callers of each queue. */
  readonly lines = new Map<string, Set<string>>();
  readonly offers = new Map<string, Offer>();
  readonly inbox = new Map<string, Offer[]>();
  readonly counters = new Map<string, QueueCounters>();
  /** queue → agent → sequence number of the queue's last offer to them (round-robin). */
  readonly lastOffer = new Map<string, Map<string, number>>();
  offerSeq = 0;
  rrSeq = 0;

  setState(entry: AgentEntry, next: AgentState, now: number): void {
    changeState(entry, next, now, (queue, ms) => {
      const counters = this.count(queue);
      counters.wrapUpMsSum += ms;
      counters.wrapUps++;
    });
  }

  toWrapUp(agent: AgentEntry, queue: string, now: number, wrapUpMs: number): void {
    if (wrapUpMs <= 0) {
      this.setState(agent, 'available', now);
      return;
    }
    this.setState(agent, 'wrap-up', now);
    agent.wrapQueue = queue;
    agent.rec.wrapUntil = now + wrapUpMs;
  }

  /** Counts the end of a connected call on its queue. */
  endCall(entry: CallerEntry, now: number): void {
    const counters = this.count(entry.rec.queue);
    const handle = Math.max(0, now - (entry.connectedAt ?? now));
    counters.handled++;
    counters.handleMsSum += handle;
    counters.recentHandleMs.unshift(handle);
    counters.recentHandleMs.length = Math.min(counters.recentHandleMs.length, RECENT_HANDLE_KEEP);
  }

  /** Withdraws a caller's ringing offer: agents still ringing back to available; the caller waits again. */
  withdraw(c: QueuedCaller, now: number): string[] {
    const released: string[] = [];
    for (const id of c.agentIds) {
      const agent = this.agents.get(id);
      if (agent && agent.rec.state === 'offered' && agent.rec.offerId === c.offerId) {
        this.setState(agent, 'available', now);
        released.push(id);
      }
    }
    if (c.offerId !== undefined) this.offers.delete(c.offerId);
    c.state = 'waiting';
    c.agentIds = [];
    delete c.offerId;
    return released;
  }

  offer(caller: QueuedCaller, q: QueueRouting, agents: AgentEntry[], now: number): Offer {
    const offerId = `${caller.callId}:${++this.offerSeq}`;
    const rr = this.rr(q.name);
    for (const agent of agents) {
      this.setState(agent, 'offered', now);
      agent.rec.offerId = offerId;
      agent.rec.callId = caller.callId;
      agent.rec.figures.offered++;
      if (q.strategy === 'round-robin') rr.set(agent.rec.id, ++this.rrSeq);
    }
    caller.state = 'offered';
    caller.offerId = offerId;
    caller.agentIds = agents.map((a) => a.rec.id);
    const offer: Offer = {
      offerId,
      callId: caller.callId,
      queue: caller.queue,
      agentIds: agents.map((a) => a.rec.id),
      endpoints: agents.map((a) => a.rec.endpoint),
      node: caller.node,
      at: now,
      expiresAt: now + q.ringTimeoutMs + OFFER_GRACE_MS,
    };
    this.offers.set(offerId, offer);
    const inbox = this.inbox.get(caller.node) ?? [];
    inbox.push(structuredClone(offer));
    this.inbox.set(caller.node, inbox);
    return offer;
  }

  /** Available agents of the queue, best first under its strategy. */
  available(q: QueueRouting): AgentEntry[] {
    const rr = this.rr(q.name);
    return this.members(q.name)
      .filter((e) => e.rec.state === 'available')
      .map((e) => ({ e, score: availabilityScore(q, e.rec, rr.get(e.rec.id) ?? 0) }))
      .sort((a, b) => a.score - b.score || compareIds(a.e.rec.id, b.e.rec.id))
      .map((x) => x.e);
  }

  /** Logged-in agents serving the queue. */
  members(queue: string): AgentEntry[] {
    return [...this.agents.values()].filter((e) => e.rec.state !== 'logged-out' && e.rec.queues.includes(queue));
  }

  /** Waiting and offered callers of the queue in order (the live records). */
  ordered(queue: string): QueuedCaller[] {
    return [...this.line(queue)].flatMap((id) => {
      const entry = this.callers.get(id);
      return entry ? [entry.rec] : [];
    }).sort(compareCallers);
  }

  line(queue: string): Set<string> {
    let line = this.lines.get(queue);
    if (!line) this.lines.set(queue, (line = new Set()));
    return line;
  }

  count(queue: string): QueueCounters {
    let counters = this.counters.get(queue);
    if (!counters) this.counters.set(queue, (counters = zeroCounters()));
    return counters;
  }

  rr(queue: string): Map<string, number> {
    let map = this.lastOffer.get(queue);
    if (!map) this.lastOffer.set(queue, (map = new Map()));
    return map;
  }
}
