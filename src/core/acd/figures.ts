import type { AgentRecord, AgentState, QueueSnapshot } from '../../ports/acd-store.ts';
import type { AgentView, QueueView } from './acd-api.ts';
import type { QueueDefinition } from './queue-definition.ts';

/**
 * Figures the ACD shows, computed at read time from stored counters. Pure: the caller passes
 * `now` (epoch ms on the ACD clock), so the open interval of an agent's current state counts up
 * to that instant and tests pin time exactly. Durations come out in seconds, rates as 0..1,
 * and `null` wherever the denominator is 0 (nothing measured yet) rather than a misleading 0.
 */

/** Milliseconds an agent spent per state, the current (open) state included up to `now`. */
export interface AgentTimes {
  availableMs: number;
  offeredMs: number;
  onCallMs: number;
  wrapUpMs: number;
  pausedMs: number;
}

/**
 * The agent's time per state, adding the open interval of the current state up to `now`.
 * @example agentTimes(record, clock.now()).onCallMs
 */
export function agentTimes(record: AgentRecord, now: number): AgentTimes {
  const f = record.figures;
  const times: AgentTimes = {
    availableMs: f.availableMs,
    offeredMs: f.offeredMs,
    onCallMs: f.onCallMs,
    wrapUpMs: f.wrapUpMs,
    pausedMs: f.pausedMs,
  };
  const open = Math.max(0, now - record.stateSince);
  const key = OPEN_INTERVAL[record.state];
  if (key) times[key] += open;
  return times;
}

const OPEN_INTERVAL: Record<AgentState, keyof AgentTimes | undefined> = {
  available: 'availableMs',
  offered: 'offeredMs',
  'on-call': 'onCallMs',
  'wrap-up': 'wrapUpMs',
  paused: 'pausedMs',
  'logged-out': undefined,
};

/**
 * Occupancy: time busy with calls (talk + wrap-up) over staffed time (busy + available +
 * ringing). Paused time is neither. `null` before any staffed time.
 */
export function occupancyOf(times: Pick<AgentTimes, 'availableMs' | 'offeredMs' | 'onCallMs' | 'wrapUpMs'>): number | null {
  const busy = times.onCallMs + times.wrapUpMs;
  return ratio(busy, busy + times.availableMs + times.offeredMs);
}

/**
 * An agent as the API shows it.
 * @example
 * const view = agentView(await store.getAgent('alice'), clock.now());
 * view.figures.occupancy; // 0.75
 */
export function agentView(record: AgentRecord, now: number): AgentView {
  const times = agentTimes(record, now);
  return {
    id: record.id,
    state: record.state,
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
    endpoint: record.endpoint,
    skills: { ...record.skills },
    queues: [...record.queues],
    requestedQueues: record.requestedQueues === null ? null : [...record.requestedQueues],
    timeInStateSeconds: seconds(Math.max(0, now - record.stateSince)),
    currentCall: record.callId !== undefined ? { callId: record.callId, ...(record.offerId !== undefined ? { offerId: record.offerId } : {}) } : null,
    ...(record.wrapUntil !== undefined ? { wrapUntil: record.wrapUntil } : {}),
    figures: {
      offered: record.figures.offered,
      answered: record.figures.answered,
      missed: record.figures.missed,
      missedInRow: record.missedInRow,
      talkSeconds: seconds(times.onCallMs),
      wrapUpSeconds: seconds(times.wrapUpMs),
      availableSeconds: seconds(times.availableMs),
      pausedSeconds: seconds(times.pausedMs),
      occupancy: occupancyOf(times),
    },
  };
}

/**
 * A queue's live figures from its definition, its store snapshot and the agents known.
 *
 * - ASA = answerWaitMsSum / answered; AHT = handleMsSum / handled; wrap-up = wrapUpMsSum / wrapUps.
 * - Abandonment rate = abandoned / (answered + abandoned).
 * - Service level = answeredInSl / (answered + abandoned − abandonedInSl): callers who hung up
 *   before the threshold are left out, the usual contact-centre convention.
 * - `waiting` and the longest wait count callers not yet connected (offered ones still wait).
 * - Occupancy sums the state times of the logged-in agents serving the queue.
 * - `serviceLevel.target` is a fraction: the definition holds the queue file's percent (1–100).
 *
 * @example
 * const view = queueView(definition, await store.queueSnapshot('billing'), await store.listAgents(), now);
 */
export function queueView(def: QueueDefinition, snapshot: QueueSnapshot, agents: AgentRecord[], now: number): QueueView {
  const c = snapshot.counters;
  const notConnected = snapshot.callers.filter((caller) => caller.state !== 'connected');
  const oldest = notConnected.reduce<number | undefined>((min, caller) => (min === undefined || caller.enqueuedAt < min ? caller.enqueuedAt : min), undefined);

  const staffed = agents.filter((a) => a.state !== 'logged-out' && a.queues.includes(def.name));
  const sums = { availableMs: 0, offeredMs: 0, onCallMs: 0, wrapUpMs: 0 };
  for (const agent of staffed) {
    const t = agentTimes(agent, now);
    sums.availableMs += t.availableMs;
    sums.offeredMs += t.offeredMs;
    sums.onCallMs += t.onCallMs;
    sums.wrapUpMs += t.wrapUpMs;
  }

  return {
    name: def.name,
    description: def.description,
    strategy: def.strategy,
    skills: { ...def.skills },
    waiting: notConnected.length,
    longestWaitSeconds: oldest === undefined ? 0 : seconds(Math.max(0, now - oldest)),
    answered: c.answered,
    abandoned: c.abandoned,
    abandonmentRate: ratio(c.abandoned, c.answered + c.abandoned),
    averageSpeedOfAnswerSeconds: averageSeconds(c.answerWaitMsSum, c.answered),
    averageHandleTimeSeconds: averageSeconds(c.handleMsSum, c.handled),
    averageWrapUpSeconds: averageSeconds(c.wrapUpMsSum, c.wrapUps),
    serviceLevel: {
      thresholdSeconds: seconds(def.serviceLevel.thresholdMs),
      target: def.serviceLevel.target / 100,
      value: ratio(c.answeredInSl, c.answered + c.abandoned - c.abandonedInSl),
    },
    occupancy: occupancyOf(sums),
    agents: { ...snapshot.agents },
    callers: snapshot.callers.map((caller) => ({
      callId: caller.callId,
      priority: caller.priority,
      waitSeconds: seconds(Math.max(0, now - caller.enqueuedAt)),
      state: caller.state,
      agentIds: [...caller.agentIds],
    })),
  };
}

/**
 * Estimated wait in whole seconds for the caller at `position` (1-based):
 * `ceil(position × averageHandle / max(1, staffed))`, the average being the mean of the recent
 * handle times, or `defaultHandleMs` while the queue has no history.
 *
 * @example estimatedWaitSeconds(3, 2, [120_000, 180_000], 180_000) // 225
 */
export function estimatedWaitSeconds(position: number, staffed: number, recentHandleMs: readonly number[], defaultHandleMs: number): number {
  const averageMs = recentHandleMs.length > 0 ? recentHandleMs.reduce((sum, ms) => sum + ms, 0) / recentHandleMs.length : defaultHandleMs;
  return Math.ceil((Math.max(0, position) * averageMs) / Math.max(1, staffed) / 1000);
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

function averageSeconds(sumMs: number, count: number): number | null {
  return count > 0 ? seconds(Math.round(sumMs / count)) : null;
}

/** Stored times are whole milliseconds, so seconds carry at most three decimals. */
function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}
