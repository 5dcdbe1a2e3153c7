import { hotlineError } from '../errors.ts';
import type { ScheduledJob } from '../../ports/job-queue.ts';

/**
 * Input checks every {@link JobQueue} adapter applies, so memory and Redis refuse the same
 * requests with the same code (`HOTLINE_ERR_BAD_REQUEST`).
 */

/** Longest job id or `once` key accepted (they become Redis key names). */
export const MAX_KEY_LENGTH = 512;

/** A job id, kind, lease token or `once` key: a non-empty string of bounded length. */
export function checkKey(what: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_LENGTH) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `${what} must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`, { [what]: value });
  }
  return value;
}

/** A time or duration in milliseconds: a finite number, not negative. */
export function checkMs(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `${what} must be a finite number of milliseconds, not negative`, { [what]: value });
  }
  return value;
}

/** A positive whole number (a claim limit). */
export function checkCount(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `${what} must be a whole number of at least 1`, { [what]: value });
  }
  return value;
}

/**
 * A payload as JSON text. Payloads are stored serialised (in Redis and in memory alike), so a
 * handler never sees a value that would not survive a restart.
 */
export function payloadJson(payload: unknown): string {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'a job payload must be a JSON object', {});
  }
  let json: string;
  try {
    json = JSON.stringify(payload);
  } catch (err) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'a job payload must be serialisable as JSON', {}, err);
  }
  return json;
}

/** A job to schedule, checked, with its payload as JSON text. */
export function checkJob(job: ScheduledJob): { id: string; kind: string; dueAt: number; payload: string } {
  if (job === null || typeof job !== 'object') throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'a job must be an object', {});
  return { id: checkKey('id', job.id), kind: checkKey('kind', job.kind), dueAt: checkMs('dueAt', job.dueAt), payload: payloadJson(job.payload) };
}

/** Checked arguments of `claim`. */
export function checkClaim(request: { now: number; limit: number; leaseMs: number; node: string }): { now: number; limit: number; leaseMs: number; node: string } {
  return {
    now: checkMs('now', request.now),
    limit: checkCount('limit', request.limit),
    leaseMs: checkMs('leaseMs', request.leaseMs),
    node: checkKey('node', request.node),
  };
}
