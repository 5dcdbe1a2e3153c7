import type { RecordingFilter, RecordingMeta, RecordingStore } from '../../ports/recordings.ts';
import { hotlineError, isHotlineError } from '../../core/errors.ts';
import { transaction, type RedisLike } from './redis-like.ts';

/** Options of {@link RedisRecordingStore}. */
export interface RedisRecordingStoreOptions {
  /** Prefix of every key. Default `hotline:`. */
  keyPrefix?: string;
  /** Close the connection in `close()`. Default false: the session store usually owns it. */
  closeConnection?: boolean;
}

/** Index members read per round trip while listing. */
const PAGE = 100;

/**
 * Recording metadata in Redis, shared by every Hotline node. Layout (prefix `hotline:`):
 * - `hotline:recording:<id>` — the metadata as JSON,
 * - `hotline:recordings:started` — sorted set of every id scored by `startedAt`,
 * - `hotline:recordings:call:<callId>` / `hotline:recordings:queue:<queue>` — the same, per call and per queue,
 * - `hotline:recordings:ended` — ids of finished recordings scored by `endedAt` (retention).
 *
 * Writes are one MULTI/EXEC each. `put` reads the previous copy first to drop the id from the
 * call/queue indexes it leaves; two nodes replacing one id at once can leave a stale index member,
 * so listings re-check every loaded record against the filter and the JSON is the truth.
 *
 * @example
 * const recordings = new RedisRecordingStore(await createRedisConnection(url));
 * await recordings.put(meta);
 * const latest = await recordings.list({ queue: 'sales', limit: 20 });
 */
export class RedisRecordingStore implements RecordingStore {
  readonly #redis: RedisLike;
  readonly #prefix: string;
  readonly #closeConnection: boolean;
  #closed = false;

  constructor(redis: RedisLike, options: RedisRecordingStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix ?? 'hotline:';
    this.#closeConnection = options.closeConnection ?? false;
  }

  /** Key of a recording's metadata. */
  key(id: string): string {
    return `${this.#prefix}recording:${id}`;
  }

  get #started(): string {
    return `${this.#prefix}recordings:started`;
  }

  get #ended(): string {
    return `${this.#prefix}recordings:ended`;
  }

  #byCall(callId: string): string {
    return `${this.#prefix}recordings:call:${callId}`;
  }

  #byQueue(queue: string): string {
    return `${this.#prefix}recordings:queue:${queue}`;
  }

  async put(meta: RecordingMeta): Promise<void> {
    checkMeta(meta);
    const id = meta.id;
    const previous = await this.get(id);
    const commands: string[][] = [];
    if (previous && previous.callId !== meta.callId) commands.push(['ZREM', this.#byCall(previous.callId), id]);
    if (previous?.queue !== undefined && previous.queue !== meta.queue) commands.push(['ZREM', this.#byQueue(previous.queue), id]);
    const started = String(meta.startedAt);
    commands.push(['SET', this.key(id), JSON.stringify(meta)], ['ZADD', this.#started, started, id], ['ZADD', this.#byCall(meta.callId), started, id]);
    if (meta.queue !== undefined) commands.push(['ZADD', this.#byQueue(meta.queue), started, id]);
    commands.push(isFinished(meta) ? ['ZADD', this.#ended, String(meta.endedAt), id] : ['ZREM', this.#ended, id]);
    await this.#run('put', () => transaction(this.#redis, commands), { id });
  }

  async get(id: string): Promise<RecordingMeta | undefined> {
    const json = await this.#run('get', () => this.#redis.sendCommand(['GET', this.key(id)]), { id });
    return json == null ? undefined : parse(json, id);
  }

  /** Newest first (`startedAt`, then id), at most `limit` (default 100, 1..1000). */
  async list(filter: RecordingFilter = {}): Promise<RecordingMeta[]> {
    const limit = clampLimit(filter.limit);
    if (filter.queues !== undefined && filter.queues.length === 0) return [];
    // Read the narrowest index; the other conditions are checked on the loaded records.
    const indexes =
      filter.callId !== undefined
        ? [this.#byCall(filter.callId)]
        : filter.queue !== undefined
          ? [this.#byQueue(filter.queue)]
          : filter.queues !== undefined
            ? [...new Set(filter.queues)].map((q) => this.#byQueue(q))
            : [this.#started];
    const found = new Map<string, RecordingMeta>();
    for (const index of indexes) {
      for (const meta of await this.#scan(index, limit, (m) => matches(m, filter))) found.set(meta.id, meta);
    }
    return [...found.values()].sort(newestFirst).slice(0, limit);
  }

  async delete(id: string): Promise<boolean> {
    const previous = await this.get(id);
    const commands: string[][] = [
      ['DEL', this.key(id)],
      ['ZREM', this.#started, id],
      ['ZREM', this.#ended, id],
    ];
    if (previous) commands.push(['ZREM', this.#byCall(previous.callId), id]);
    if (previous?.queue !== undefined) commands.push(['ZREM', this.#byQueue(previous.queue), id]);
    const replies = await this.#run('delete', () => transaction(this.#redis, commands), { id });
    return Array.isArray(replies) && Number(replies[0]) === 1;
  }

  /** Finished recordings (state not `recording`) that ended before `endedBefore`, oldest first. */
  async expired(endedBefore: number, limit: number): Promise<string[]> {
    if (!(limit >= 1) || !(endedBefore > -Infinity)) return [];
    const max = endedBefore === Infinity ? '+inf' : `(${endedBefore}`;
    const count = String(Math.floor(Math.min(limit, Number.MAX_SAFE_INTEGER)));
    const ids = await this.#run('expired', () =>
      this.#redis.sendCommand(['ZRANGE', this.#ended, '-inf', max, 'BYSCORE', 'LIMIT', '0', count]),
    );
    return asStrings(ids);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#closeConnection) await this.#redis.close();
  }

  /** Walks `index` newest first until `limit` records pass `keep` or the index runs out. */
  async #scan(index: string, limit: number, keep: (meta: RecordingMeta) => boolean): Promise<RecordingMeta[]> {
    const out: RecordingMeta[] = [];
    const page = Math.max(PAGE, limit);
    for (let start = 0; out.length < limit; start += page) {
      const ids = asStrings(
        await this.#run('list', () => this.#redis.sendCommand(['ZRANGE', index, String(start), String(start + page - 1), 'REV'])),
      );
      if (ids.length === 0) break;
      const values = await this.#run('list', () => this.#redis.sendCommand(['MGET', ...ids.map((id) => this.key(id))]));
      const list = Array.isArray(values) ? values : [];
      ids.forEach((id, i) => {
        const json = list[i];
        // A member without a record was deleted between the two reads; skip it.
        if (json == null) return;
        const meta = parse(json, id);
        if (keep(meta)) out.push(meta);
      });
      if (ids.length < page) break;
    }
    return out;
  }

  async #run<T>(op: string, fn: () => Promise<T>, details: Record<string, unknown> = {}): Promise<T> {
    if (this.#closed) throw hotlineError('HOTLINE_ERR_STORE', 'the recording store is closed', { op, ...details });
    try {
      return await fn();
    } catch (err) {
      if (isHotlineError(err)) throw err;
      throw hotlineError('HOTLINE_ERR_STORE', `Redis recording ${op} failed`, { op, ...details }, err);
    }
  }
}

/** Default 100, at least 1, at most 1000 (as the port says). */
function clampLimit(limit: number | undefined): number {
  const n = limit === undefined || Number.isNaN(limit) ? 100 : Math.floor(limit);
  return Math.min(Math.max(n, 1), 1000);
}

function matches(m: RecordingMeta, filter: RecordingFilter): boolean {
  if (filter.callId !== undefined && m.callId !== filter.callId) return false;
  if (filter.queue !== undefined && m.queue !== filter.queue) return false;
  if (filter.queues !== undefined && (m.queue === undefined || !filter.queues.includes(m.queue))) return false;
  return true;
}

/** The order of a reversed sorted set: score descending, then member (code points) descending. */
function newestFirst(a: RecordingMeta, b: RecordingMeta): number {
  return b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Retention never deletes a recording still running, even one that carries an `endedAt`. */
function isFinished(meta: RecordingMeta): meta is RecordingMeta & { endedAt: number } {
  return meta.endedAt !== undefined && meta.state !== 'recording';
}

// Scores must be numbers Redis accepts; a NaN would fail the whole MULTI with a less useful error.
function checkMeta(meta: RecordingMeta): void {
  const bad = (field: string) =>
    hotlineError('HOTLINE_ERR_BAD_REQUEST', `recording metadata has an invalid ${field}`, { id: meta.id, field });
  if (typeof meta.id !== 'string' || meta.id === '') throw bad('id');
  if (typeof meta.callId !== 'string') throw bad('callId');
  if (!Number.isFinite(meta.startedAt)) throw bad('startedAt');
  if (meta.endedAt !== undefined && !Number.isFinite(meta.endedAt)) throw bad('endedAt');
}

function parse(json: unknown, id: string): RecordingMeta {
  try {
    return JSON.parse(String(json)) as RecordingMeta;
  } catch (err) {
    throw hotlineError('HOTLINE_ERR_STORE', `the stored recording ${id} is not valid JSON`, { id }, err);
  }
}

function asStrings(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.map(String) : [];
}
