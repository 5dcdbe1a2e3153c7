import type { ClaimedJob, JobQueue, ScheduledJob } from '../../ports/job-queue.ts';
import { hotlineError, isHotlineError } from '../../core/errors.ts';
import { checkClaim, checkJob, checkKey, checkMs, payloadJson } from '../../core/jobs/job-input.ts';
import type { RedisLike } from './redis-like.ts';
import { loadScripts, runScript, type AcdScript } from './acd/script-runner.ts';
import { CANCEL, CLAIM, COMPLETE, EXTEND, JOB_SCRIPTS, SCHEDULE } from './jobs/job-scripts.ts';
import { randomUUID } from 'node:crypto';

/** Options of {@link RedisJobQueue}. */
export interface RedisJobQueueOptions {
  /** Prefix of every key. Default `hotline:jobs:`. */
  keyPrefix?: string;
  /** Close the connection in `close()`. Default false: the session store usually owns it. */
  closeConnection?: boolean;
}

/**
 * Delayed jobs in Redis, shared by every Hotline node (key layout in `jobs/job-scripts.ts`).
 * Claims, extensions and completions are Lua scripts checked against the lease token, so two
 * nodes never hold one job at once; Redis is the only state, nothing in this process decides.
 * Redis failures reject with `HOTLINE_ERR_STORE`.
 *
 * @example
 * const jobs = new RedisJobQueue(await createRedisConnection(url));
 * await jobs.schedule({ id: 'cb-1', kind: 'callback.attempt', dueAt: Date.now() + 60_000, payload: { to: '+15550100' } });
 * const [job] = await jobs.claim({ now: Date.now(), limit: 10, leaseMs: 30_000, node: 'node-a' });
 */
export class RedisJobQueue implements JobQueue {
  readonly #redis: RedisLike;
  readonly #prefix: string;
  readonly #closeConnection: boolean;
  #closed = false;

  constructor(redis: RedisLike, options: RedisJobQueueOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix ?? 'hotline:jobs:';
    this.#closeConnection = options.closeConnection ?? false;
  }

  /** Loads the scripts ahead of the first call (optional: `EVALSHA` falls back on `NOSCRIPT`). */
  async init(): Promise<void> {
    await this.#call('init', () => loadScripts(this.#redis, JOB_SCRIPTS));
  }

  async schedule(job: ScheduledJob): Promise<boolean> {
    const { id, kind, dueAt, payload } = checkJob(job);
    return (await this.#script('schedule', SCHEDULE, [id, kind, String(dueAt), payload])) === 1;
  }

  async cancel(id: string): Promise<boolean> {
    checkKey('id', id);
    return (await this.#script('cancel', CANCEL, [id])) === 1;
  }

  async get(id: string): Promise<(ScheduledJob & { claimedBy?: string; leaseUntil?: number }) | undefined> {
    checkKey('id', id);
    const flat = await this.#call('get', () => this.#redis.sendCommand(['HGETALL', `${this.#prefix}job:${id}`]));
    const hash = toHash(flat);
    if (hash.kind === undefined) return undefined;
    const job = { id, kind: hash.kind, dueAt: Number(hash.dueAt), payload: parsePayload(hash.payload, id) };
    return hash.lease === undefined ? job : { ...job, claimedBy: hash.claimedBy ?? '', leaseUntil: Number(hash.leaseUntil) };
  }

  async claim(request: { now: number; limit: number; leaseMs: number; node: string }): Promise<ClaimedJob[]> {
    const { now, limit, leaseMs, node } = checkClaim(request);
    const leaseUntil = now + leaseMs;
    const rows = await this.#script('claim', CLAIM, [String(now), String(limit), String(leaseUntil), node, randomUUID()]);
    if (!Array.isArray(rows)) throw hotlineError('HOTLINE_ERR_STORE', 'unexpected reply to a job claim', { op: 'claim' });
    return rows.map((row: unknown) => {
      const [id, kind, dueAt, payload, deliveries, lease] = (row as unknown[]).map(String) as [string, string, string, string, string, string];
      return { id, kind, dueAt: Number(dueAt), payload: parsePayload(payload, id), lease, leaseUntil, deliveries: Number(deliveries) };
    });
  }

  async extend(id: string, lease: string, leaseUntil: number): Promise<boolean> {
    checkKey('id', id);
    checkKey('lease', lease);
    checkMs('leaseUntil', leaseUntil);
    return (await this.#script('extend', EXTEND, [id, lease, String(leaseUntil)])) === 1;
  }

  async complete(id: string, lease: string, next?: { dueAt: number; payload: Record<string, unknown> }): Promise<boolean> {
    checkKey('id', id);
    checkKey('lease', lease);
    const again = next === undefined ? [] : [String(checkMs('dueAt', next.dueAt)), payloadJson(next.payload)];
    return (await this.#script('complete', COMPLETE, [id, lease, ...again])) === 1;
  }

  async once(key: string, ttlMs: number): Promise<boolean> {
    checkKey('key', key);
    checkMs('ttlMs', ttlMs);
    const px = String(Math.max(1, Math.round(ttlMs)));
    const reply = await this.#call('once', () => this.#redis.sendCommand(['SET', `${this.#prefix}once:${key}`, '1', 'NX', 'PX', px]));
    return reply === 'OK';
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#closeConnection) await this.#redis.close();
  }

  async #script(op: string, script: AcdScript, args: string[]): Promise<unknown> {
    return this.#call(op, () => runScript(this.#redis, script, [this.#prefix, ...args]));
  }

  async #call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw hotlineError('HOTLINE_ERR_STORE', 'the job queue is closed', { op });
    try {
      return await fn();
    } catch (err) {
      if (isHotlineError(err)) throw err;
      throw hotlineError('HOTLINE_ERR_STORE', `Redis ${op} failed`, { op }, err);
    }
  }
}

/** `HGETALL`'s reply (a flat list in RESP2, a map in RESP3) as a record. */
function toHash(reply: unknown): Record<string, string> {
  if (Array.isArray(reply)) {
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
    return out;
  }
  if (reply instanceof Map) return Object.fromEntries([...reply].map(([k, v]) => [String(k), String(v)]));
  if (reply && typeof reply === 'object') return Object.fromEntries(Object.entries(reply).map(([k, v]) => [k, String(v)]));
  return {};
}

function parsePayload(json: string | undefined, id: string): Record<string, unknown> {
  try {
    return JSON.parse(json ?? '{}') as Record<string, unknown>;
  } catch (err) {
    throw hotlineError('HOTLINE_ERR_STORE', `job ${id} has a payload that is not JSON`, { id }, err);
  }
}
