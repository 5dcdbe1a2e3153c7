import type { ClaimedJob, JobQueue, ScheduledJob } from '../../ports/job-queue.ts';
import { hotlineError } from '../../core/errors.ts';
import { checkClaim, checkJob, checkKey, checkMs, payloadJson } from '../../core/jobs/job-input.ts';
import { randomUUID } from 'node:crypto';

/** Options of {@link MemoryJobQueue}. */
export interface MemoryJobQueueOptions {
  /** Time for `once` expiry (the other methods take their time as an argument). Default `Date.now`. */
  now?: () => number;
}

interface Lease {
  node: string;
  lease: string;
  leaseUntil: number;
}

interface Entry {
  id: string;
  kind: string;
  dueAt: number;
  /** JSON text, like Redis keeps it: what a handler reads is what survived serialisation. */
  payload: string;
  deliveries: number;
  claim?: Lease;
}

/**
 * Delayed jobs in process memory, for a single node (tests, the simulated PBX, no Redis).
 * Same rules as {@link RedisJobQueue}, held to them by the contract suite; a claim scans every
 * job, which is fine for the few thousand jobs one node keeps.
 *
 * @example
 * const jobs = new MemoryJobQueue();
 * await jobs.schedule({ id: 'cb-1', kind: 'callback.attempt', dueAt: Date.now() + 60_000, payload: { to: '+15550100' } });
 */
export class MemoryJobQueue implements JobQueue {
  readonly #jobs = new Map<string, Entry>();
  readonly #once = new Map<string, number>();
  readonly #now: () => number;
  #closed = false;

  constructor(options: MemoryJobQueueOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async schedule(job: ScheduledJob): Promise<boolean> {
    this.#open('schedule');
    const checked = checkJob(job);
    if (this.#jobs.get(checked.id)?.claim) return false;
    this.#jobs.set(checked.id, { ...checked, deliveries: 0 });
    return true;
  }

  async cancel(id: string): Promise<boolean> {
    this.#open('cancel');
    checkKey('id', id);
    const entry = this.#jobs.get(id);
    if (!entry || entry.claim) return false;
    this.#jobs.delete(id);
    return true;
  }

  async get(id: string): Promise<(ScheduledJob & { claimedBy?: string; leaseUntil?: number }) | undefined> {
    this.#open('get');
    checkKey('id', id);
    const entry = this.#jobs.get(id);
    if (!entry) return undefined;
    const job = { id: entry.id, kind: entry.kind, dueAt: entry.dueAt, payload: JSON.parse(entry.payload) as Record<string, unknown> };
    return entry.claim ? { ...job, claimedBy: entry.claim.node, leaseUntil: entry.claim.leaseUntil } : job;
  }

  async claim(request: { now: number; limit: number; leaseMs: number; node: string }): Promise<ClaimedJob[]> {
    this.#open('claim');
    const { now, limit, leaseMs, node } = checkClaim(request);
    const ready = [...this.#jobs.values()]
      .filter((e) => (e.claim ? e.claim.leaseUntil <= now : e.dueAt <= now))
      .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit);
    const base = randomUUID();
    return ready.map((entry, i) => {
      entry.deliveries += 1;
      entry.claim = { node, lease: `${base}:${i + 1}`, leaseUntil: now + leaseMs };
      return {
        id: entry.id,
        kind: entry.kind,
        dueAt: entry.dueAt,
        payload: JSON.parse(entry.payload) as Record<string, unknown>,
        lease: entry.claim.lease,
        leaseUntil: entry.claim.leaseUntil,
        deliveries: entry.deliveries,
      };
    });
  }

  async extend(id: string, lease: string, leaseUntil: number): Promise<boolean> {
    this.#open('extend');
    checkKey('id', id);
    checkKey('lease', lease);
    checkMs('leaseUntil', leaseUntil);
    const entry = this.#held(id, lease);
    if (!entry?.claim) return false;
    entry.claim.leaseUntil = leaseUntil;
    return true;
  }

  async complete(id: string, lease: string, next?: { dueAt: number; payload: Record<string, unknown> }): Promise<boolean> {
    this.#open('complete');
    checkKey('id', id);
    checkKey('lease', lease);
    const again = next === undefined ? undefined : { dueAt: checkMs('dueAt', next.dueAt), payload: payloadJson(next.payload) };
    const entry = this.#held(id, lease);
    if (!entry) return false;
    if (!again) {
      this.#jobs.delete(id);
      return true;
    }
    delete entry.claim;
    entry.dueAt = again.dueAt;
    entry.payload = again.payload;
    return true;
  }

  async once(key: string, ttlMs: number): Promise<boolean> {
    this.#open('once');
    checkKey('key', key);
    checkMs('ttlMs', ttlMs);
    const now = this.#now();
    const until = this.#once.get(key);
    if (until !== undefined && until > now) return false;
    // Expired marks are swept here, so the map does not only ever grow.
    if (this.#once.size > 1024) for (const [k, t] of this.#once) if (t <= now) this.#once.delete(k);
    this.#once.set(key, now + Math.max(1, Math.round(ttlMs)));
    return true;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  /** The job when `lease` is its current lease (a lease that ran out counts until someone else claims). */
  #held(id: string, lease: string): Entry | undefined {
    const entry = this.#jobs.get(id);
    return entry?.claim?.lease === lease ? entry : undefined;
  }

  #open(op: string): void {
    if (this.#closed) throw hotlineError('HOTLINE_ERR_STORE', 'the job queue is closed', { op });
  }
}
