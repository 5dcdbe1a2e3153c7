import { createHash } from 'node:crypto';
import type { CallbackFilter, CallbackRecord, CallbackStore } from '../../ports/callback-store.ts';
import { isFinalCallbackState } from '../../ports/callback-store.ts';
import { hotlineError, isHotlineError } from '../../core/errors.ts';
import type { RedisLike } from './redis-like.ts';

/** Options of {@link RedisCallbackStore}. */
export interface RedisCallbackStoreOptions {
  /** Prefix of every key. Default `hotline:`. */
  keyPrefix?: string;
  /** Close the connection in `close()`. Default false: the connection is usually shared. */
  closeConnection?: boolean;
  /** How long a slot counter outlives its last booking. Default 30 days (slots are days ahead at most). */
  slotTtlMs?: number;
}

/** Records fetched per round trip while filtering a listing. */
const PAGE = 200;

interface Script {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

// ARGV: recordKey, allKey, numberKey, id, json, createdAt, final
const CREATE = script(`
if redis.call('EXISTS', ARGV[1]) == 1 then return 0 end
redis.call('SET', ARGV[1], ARGV[5])
redis.call('ZADD', ARGV[2], ARGV[6], ARGV[4])
if ARGV[7] == '0' then redis.call('ZADD', ARGV[3], ARGV[6], ARGV[4]) end
return 1`);

// ARGV: recordKey, expectedVersion, json, numberKeyPrefix, id, final, createdAt, number
const UPDATE = script(`
local current = redis.call('GET', ARGV[1])
if not current then return 0 end
local stored = cjson.decode(current)
if stored.version ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', ARGV[1], ARGV[3])
redis.call('ZREM', ARGV[4] .. stored.number, ARGV[5])
if ARGV[6] == '0' then redis.call('ZADD', ARGV[4] .. ARGV[8], ARGV[7], ARGV[5]) end
return 1`);

// ARGV: slotKey, capacity, ttlMs
const RESERVE = script(`
local taken = tonumber(redis.call('GET', ARGV[1]) or '0')
if taken >= tonumber(ARGV[2]) then return 0 end
redis.call('INCR', ARGV[1])
redis.call('PEXPIRE', ARGV[1], ARGV[3])
return 1`);

// ARGV: slotKey
const RELEASE = script(`
local taken = tonumber(redis.call('GET', ARGV[1]) or '0')
if taken <= 1 then redis.call('DEL', ARGV[1]) else redis.call('DECR', ARGV[1]) end
return 1`);

/**
 * Callbacks in Redis, shared by every node. Layout (prefix `hotline:`):
 * - `callback:<id>` — the record as JSON,
 * - `callbacks:all` — sorted set of ids by `createdAt` (listings, newest first),
 * - `callbacks:number:<E.164>` — sorted set of the number's callbacks that are not final,
 * - `callback-slot:<queue>:<slotKey>` — places taken in a slot.
 *
 * Create, the version compare-and-set and the slot counter are each one Lua script, so two
 * nodes can neither both win an update nor book a slot past its capacity.
 */
export class RedisCallbackStore implements CallbackStore {
  readonly #redis: RedisLike;
  readonly #prefix: string;
  readonly #closeConnection: boolean;
  readonly #slotTtlMs: number;

  constructor(redis: RedisLike, options: RedisCallbackStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix ?? 'hotline:';
    this.#closeConnection = options.closeConnection ?? false;
    this.#slotTtlMs = options.slotTtlMs ?? 30 * 24 * 3600_000;
  }

  #key(id: string): string {
    return `${this.#prefix}callback:${id}`;
  }

  get #all(): string {
    return `${this.#prefix}callbacks:all`;
  }

  get #numberPrefix(): string {
    return `${this.#prefix}callbacks:number:`;
  }

  #slot(queue: string, slotKey: string): string {
    return `${this.#prefix}callback-slot:${queue}:${slotKey}`;
  }

  async create(record: CallbackRecord): Promise<CallbackRecord> {
    const stored: CallbackRecord = { ...record, version: 1 };
    const created = await this.#eval('create', CREATE, [
      this.#key(record.id),
      this.#all,
      this.#numberPrefix + record.number,
      record.id,
      JSON.stringify(stored),
      String(record.createdAt),
      isFinalCallbackState(record.state) ? '1' : '0',
    ]);
    if (Number(created) !== 1) throw hotlineError('HOTLINE_ERR_CONFLICT', `callback ${record.id} exists`, { callbackId: record.id });
    return stored;
  }

  async get(id: string): Promise<CallbackRecord | undefined> {
    const json = await this.#run('get', () => this.#redis.sendCommand(['GET', this.#key(id)]));
    return json == null ? undefined : parse(json, id);
  }

  async update(record: CallbackRecord): Promise<boolean> {
    const next: CallbackRecord = { ...record, version: record.version + 1 };
    const ok = await this.#eval('update', UPDATE, [
      this.#key(record.id),
      String(record.version),
      JSON.stringify(next),
      this.#numberPrefix,
      record.id,
      isFinalCallbackState(record.state) ? '1' : '0',
      String(record.createdAt),
      record.number,
    ]);
    return Number(ok) === 1;
  }

  async list(filter: CallbackFilter = {}): Promise<CallbackRecord[]> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const out: CallbackRecord[] = [];
    // Filters run here, page by page: fine for the volumes an operator lists (see report).
    for (let start = 0; out.length < limit; start += PAGE) {
      const ids = asStrings(
        await this.#run('list', () => this.#redis.sendCommand(['ZRANGE', this.#all, String(start), String(start + PAGE - 1), 'REV'])),
      );
      if (ids.length === 0) break;
      for (const record of await this.#load(ids)) {
        if (filter.state !== undefined && record.state !== filter.state) continue;
        if (filter.queue !== undefined && record.queue !== filter.queue) continue;
        out.push(record);
        if (out.length === limit) break;
      }
    }
    return out;
  }

  async pending(number: string): Promise<CallbackRecord[]> {
    const ids = asStrings(await this.#run('pending', () => this.#redis.sendCommand(['ZRANGE', this.#numberPrefix + number, '0', '-1'])));
    return (await this.#load(ids)).filter((r) => !isFinalCallbackState(r.state));
  }

  async reserveSlot(queue: string, slotKey: string, capacity: number): Promise<boolean> {
    const ok = await this.#eval('reserveSlot', RESERVE, [this.#slot(queue, slotKey), String(Math.floor(capacity)), String(this.#slotTtlMs)]);
    return Number(ok) === 1;
  }

  async releaseSlot(queue: string, slotKey: string): Promise<void> {
    await this.#eval('releaseSlot', RELEASE, [this.#slot(queue, slotKey)]);
  }

  async slotsTaken(queue: string, slotKeys: readonly string[]): Promise<number[]> {
    if (slotKeys.length === 0) return [];
    const values = await this.#run('slotsTaken', () => this.#redis.sendCommand(['MGET', ...slotKeys.map((k) => this.#slot(queue, k))]));
    return (values as Array<string | null>).map((v) => (v == null ? 0 : Number(v)));
  }

  async ping(): Promise<void> {
    await this.#run('ping', () => this.#redis.sendCommand(['PING']));
  }

  async close(): Promise<void> {
    if (this.#closeConnection) await this.#redis.close();
  }

  async #load(ids: string[]): Promise<CallbackRecord[]> {
    if (ids.length === 0) return [];
    const values = await this.#run('load', () => this.#redis.sendCommand(['MGET', ...ids.map((id) => this.#key(id))]));
    const out: CallbackRecord[] = [];
    (values as Array<string | null>).forEach((json, i) => {
      if (json != null) out.push(parse(json, ids[i]!));
    });
    return out;
  }

  /** `EVALSHA`, loading the script when the server does not know it (restart, `SCRIPT FLUSH`). */
  #eval(op: string, s: Script, args: string[]): Promise<unknown> {
    return this.#run(op, async () => {
      try {
        return await this.#redis.sendCommand(['EVALSHA', s.sha, '0', ...args]);
      } catch (err) {
        if (!String((err as Error)?.message ?? err).startsWith('NOSCRIPT')) throw err;
        return this.#redis.sendCommand(['EVAL', s.source, '0', ...args]);
      }
    });
  }

  async #run<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isHotlineError(err)) throw err;
      throw hotlineError('HOTLINE_ERR_STORE', `callback store ${op} failed`, { op }, err);
    }
  }
}

function parse(json: unknown, id: string): CallbackRecord {
  try {
    return JSON.parse(String(json)) as CallbackRecord;
  } catch (err) {
    throw hotlineError('HOTLINE_ERR_STORE', `callback ${id} is not valid JSON`, { callbackId: id }, err);
  }
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
