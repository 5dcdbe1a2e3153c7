import type { AgentRecord, DistributionStrategy, QueuedCaller, QueueRouting } from '../../ports/acd-store.ts';
import { hotlineError } from '../errors.ts';

/**
 * The ordering math of the ACD, shared by every `AcdStore` adapter (the Redis adapter mirrors
 * it in Lua; the contract suite holds both to the same answers). Pure: no IO, no clock.
 *
 * Callers and available agents are ranked by one number each (lower = first; ties by id), so
 * that Redis can keep them in sorted sets. Every score stays an exact integer in a double:
 * times must be below 2^42 ms (year 2109) and the leading factor below 2^11.
 */

/** Highest caller priority. */
export const MAX_PRIORITY = 1000;
/** Times (epoch ms) must stay below this so that `factor * TIME_SPAN + time` is exact. */
export const TIME_SPAN = 2 ** 42;
/** Caps of the leading factor of agent scores (2047 * 2^42 + 2^42 = 2^53). */
export const MAX_RANK_FACTOR = 2047;
/** An offer not answered nor failed within `ringTimeoutMs + OFFER_GRACE_MS` is expired by any node. */
export const OFFER_GRACE_MS = 5000;
/** How many recent handle times a queue keeps. */
export const RECENT_HANDLE_KEEP = 20;
/** Ids of agents, callers, queues, nodes and skills. */
export const ID_PATTERN = /^[A-Za-z0-9_.:@+-]{1,128}$/;
/** Agent endpoints (`sim:alice`, `PJSIP/201`, `sofia/gateway/gw/+15551230000`). */
export const ENDPOINT_PATTERN = /^[A-Za-z0-9_.:@+/#*=-]{1,256}$/;
/** The strategies the store knows. */
export const STRATEGIES: readonly DistributionStrategy[] = ['longest-idle', 'round-robin', 'fewest-calls', 'ring-all', 'best-skill-match'];

/**
 * Rank of a caller in a queue: higher priority first, then earlier `enqueuedAt`.
 * @example callerScore(10, t) < callerScore(0, t - 60_000) // a VIP goes ahead of an earlier caller
 */
export function callerScore(priority: number, enqueuedAt: number): number {
  return (MAX_PRIORITY - priority) * TIME_SPAN + enqueuedAt;
}

/** Caller order: priority, then `enqueuedAt`, then `callId` (what a Redis sorted set does on equal scores). */
export function compareCallers(a: Pick<QueuedCaller, 'priority' | 'enqueuedAt' | 'callId'>, b: Pick<QueuedCaller, 'priority' | 'enqueuedAt' | 'callId'>): number {
  return callerScore(a.priority, a.enqueuedAt) - callerScore(b.priority, b.enqueuedAt) || compareIds(a.callId, b.callId);
}

/** Byte-wise id order, as Redis orders members of equal score. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when a logged-in agent serves `queue`: requested it (or requested none) and meets every skill minimum. */
export function servesQueue(agent: Pick<AgentRecord, 'skills' | 'requestedQueues'>, queue: QueueRouting): boolean {
  if (agent.requestedQueues !== null && !agent.requestedQueues.includes(queue.name)) return false;
  return Object.entries(queue.skills).every(([skill, min]) => (agent.skills[skill] ?? 0) >= min);
}

/** Names of the queues the agent serves, sorted. */
export function eligibleQueues(agent: Pick<AgentRecord, 'skills' | 'requestedQueues'>, queues: Iterable<QueueRouting>): string[] {
  return [...queues].filter((q) => servesQueue(agent, q)).map((q) => q.name).sort(compareIds);
}

/** Sum of the agent's proficiency over the queue's skills (best-skill-match). */
export function skillMatch(skills: Record<string, number>, queue: QueueRouting): number {
  return Object.keys(queue.skills).reduce((sum, skill) => sum + (skills[skill] ?? 0), 0);
}

/**
 * Rank of an available agent in a queue under its strategy (lower = offered first, ties by id).
 * `lastOfferSeq` is this queue's sequence number of its last offer to the agent (0 = never),
 * used by round-robin.
 */
export function availabilityScore(
  queue: QueueRouting,
  agent: Pick<AgentRecord, 'idleSince' | 'skills'> & { figures: { answered: number } },
  lastOfferSeq: number,
): number {
  switch (queue.strategy) {
    case 'round-robin':
      return lastOfferSeq;
    case 'fewest-calls':
      return Math.min(agent.figures.answered, MAX_RANK_FACTOR) * TIME_SPAN + agent.idleSince;
    case 'best-skill-match':
      return (MAX_RANK_FACTOR - Math.min(skillMatch(agent.skills, queue), MAX_RANK_FACTOR)) * TIME_SPAN + agent.idleSince;
    default:
      return agent.idleSince;
  }
}

/**
 * Among the head callers of several queues, the one an agent gets: highest priority, then
 * earliest `enqueuedAt`, then queue name.
 */
export function bestHead<T extends { queue: string; caller: Pick<QueuedCaller, 'priority' | 'enqueuedAt'> }>(heads: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const h of heads) {
    if (!best) {
      best = h;
      continue;
    }
    const d = callerScore(h.caller.priority, h.caller.enqueuedAt) - callerScore(best.caller.priority, best.caller.enqueuedAt);
    if (d < 0 || (d === 0 && compareIds(h.queue, best.queue) < 0)) best = h;
  }
  return best;
}

// input checks (the store's edge) ------------------------------------------------------------

function bad(message: string, details: Record<string, unknown>): never {
  throw hotlineError('HOTLINE_ERR_BAD_REQUEST', message, details);
}

/** Rejects an id that does not match {@link ID_PATTERN}. */
export function checkId(kind: string, value: unknown): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) bad(`invalid ${kind} id`, { [kind]: String(value).slice(0, 200) });
  return value;
}

/** Rejects a priority that is not an integer 0..1000. */
export function checkPriority(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_PRIORITY) bad('priority must be an integer 0..1000', { priority: value });
  return value;
}

/** Rejects a time that is not an integer epoch ms in [0, 2^42). */
export function checkTime(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= TIME_SPAN) bad(`${name} must be an integer epoch ms`, { [name]: value });
  return value;
}

/** Rejects a duration that is not a non-negative integer below 2^42 ms. */
export function checkDuration(name: string, value: unknown): number {
  return checkTime(name, value);
}

/** Rejects skills that are not `id → integer 1..10`. */
export function checkSkills(value: unknown, field = 'skills'): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(`${field} must be an object`, { [field]: value });
  const out: Record<string, number> = {};
  for (const [skill, level] of Object.entries(value)) {
    checkId('skill', skill);
    if (typeof level !== 'number' || !Number.isInteger(level) || level < 1 || level > 10) bad(`${field}.${skill} must be an integer 1..10`, { skill, level });
    out[skill] = level;
  }
  return out;
}

/** Rejects an endpoint with characters a dial string must not carry. */
export function checkEndpoint(value: unknown): string {
  if (typeof value !== 'string' || !ENDPOINT_PATTERN.test(value)) bad('invalid agent endpoint', { endpoint: String(value).slice(0, 300) });
  return value;
}

/** Rejects free caller data that is not `id → string` (values up to 1024 characters). */
export function checkData(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('data must be an object of strings', {});
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    checkId('data key', k);
    if (typeof v !== 'string' || v.length > 1024) bad('data values must be strings up to 1024 characters', { key: k });
    out[k] = v;
  }
  return out;
}

/** Validates a queue's routing settings. */
export function checkQueueRouting(q: QueueRouting): QueueRouting {
  checkId('queue', q?.name);
  if (!STRATEGIES.includes(q.strategy)) bad('unknown distribution strategy', { queue: q.name, strategy: q.strategy });
  return {
    name: q.name,
    strategy: q.strategy,
    skills: checkSkills(q.skills, 'skills'),
    ringTimeoutMs: checkDuration('ringTimeoutMs', q.ringTimeoutMs),
    serviceLevelMs: checkDuration('serviceLevelMs', q.serviceLevelMs),
  };
}

/** Rejects a state that `setAgentState` does not take, and an invalid reason. */
export function checkStateRequest(state: unknown, reason: unknown): { state: 'available' | 'paused'; reason?: string } {
  if (state !== 'available' && state !== 'paused') bad('state must be available or paused', { state });
  if (reason !== undefined && reason !== null) checkId('reason', reason);
  return reason === undefined || reason === null || state === 'available' ? { state } : { state, reason: reason as string };
}
