/**
 * The checks an `AcdStore` adapter runs on a request before it touches its state, so the memory
 * and Redis stores accept and reject exactly the same input and normalise it the same way.
 * Each throws `HOTLINE_ERR_BAD_REQUEST` naming the first bad field.
 */
import type { AgentLogin, LeaveReason } from '../../ports/acd-store.ts';
import { hotlineError } from '../errors.ts';
import { checkData, checkDuration, checkEndpoint, checkId, checkPriority, checkSkills, checkTime } from './routing-order.ts';

/** Why a caller may leave a queue. */
export const LEAVE_REASONS: readonly LeaveReason[] = ['abandoned', 'completed', 'timeout', 'left', 'overflow'];
/** Why an offer may fail. */
export const FAIL_REASONS: readonly string[] = ['missed', 'rejected', 'failed'];

/** A login request, checked. */
export interface CheckedLogin {
  id: string;
  endpoint: string;
  skills: Record<string, number>;
  /** The queues asked for, or null for "every queue my skills allow". */
  queues: string[] | null;
}

/**
 * Checks a login request and `now`.
 * @example
 * checkLogin({ id: 'alice', endpoint: 'sim:alice', skills: { billing: 7 } }, now);
 * // { id: 'alice', endpoint: 'sim:alice', skills: { billing: 7 }, queues: null }
 */
export function checkLogin(agent: AgentLogin, now: number): CheckedLogin {
  const checked: CheckedLogin = {
    id: checkId('agent', agent.id),
    endpoint: checkEndpoint(agent.endpoint),
    skills: checkSkills(agent.skills),
    queues: agent.queues === null || agent.queues === undefined ? null : agent.queues.map((q) => checkId('queue', q)),
  };
  checkTime('now', now);
  return checked;
}

/** What `AcdStore.enqueue` takes. */
export interface EnqueueRequest {
  callId: string;
  queue: string;
  priority: number;
  node: string;
  enqueuedAt?: number;
  data?: Record<string, string>;
}

/** An enqueue request, checked, with `enqueuedAt` defaulted to `now` and no `data` key when there is none. */
export interface CheckedEnqueue {
  callId: string;
  queue: string;
  priority: number;
  node: string;
  enqueuedAt: number;
  data?: Record<string, string>;
}

/**
 * Checks an enqueue request and `now`.
 * @example
 * checkEnqueue({ callId: 'c1', queue: 'billing', priority: 0, node: 'n1' }, now).enqueuedAt === now;
 */
export function checkEnqueue(caller: EnqueueRequest, now: number): CheckedEnqueue {
  const callId = checkId('call', caller.callId);
  const queue = checkId('queue', caller.queue);
  const priority = checkPriority(caller.priority);
  const node = checkId('node', caller.node);
  const data = checkData(caller.data);
  checkTime('now', now);
  const enqueuedAt = caller.enqueuedAt === undefined ? now : checkTime('enqueuedAt', caller.enqueuedAt);
  return { callId, queue, priority, node, enqueuedAt, ...(data ? { data } : {}) };
}

/** Checks the arguments of `AcdStore.leave` (but the call id). */
export function checkLeave(reason: LeaveReason, now: number, wrapUpMs: number): void {
  if (!LEAVE_REASONS.includes(reason)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'unknown leave reason', { reason });
  checkTime('now', now);
  checkDuration('wrapUpMs', wrapUpMs);
}

/** Checks the arguments of `AcdStore.offerFailed` (but the ids). */
export function checkOfferFailure(reason: string, now: number, maxMissed: number): void {
  if (!FAIL_REASONS.includes(reason)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'unknown offer failure reason', { reason });
  checkTime('now', now);
  if (!Number.isInteger(maxMissed) || maxMissed < 0) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'maxMissed must be an integer ≥ 0', { maxMissed });
}
