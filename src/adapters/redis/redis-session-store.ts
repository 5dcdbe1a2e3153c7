import type { SessionRecord, SessionStore } from '../../ports/stores.ts';
import { hotlineError } from '../../core/errors.ts';
import { transaction, type RedisLike } from './redis-like.ts';

/** Options of {@link RedisSessionStore}. */
export interface RedisSessionStoreOptions {
  /** Prefix of every key. Default `hotline:`. */
  keyPrefix?: string;
  /** Close the connection in `close()`. Default true: the session store owns the connection. */
  closeConnection?: boolean;
}

/** Ended ids fetched per round trip while skipping expired ones in `listEnded`. */
const ENDED_PAGE = 100;

/**
 * Sessions in Redis, shared by every Hotline node. Layout:
 * - `hotline:session:<callId>` — the record as JSON; ended records carry a `PX` expiry,
 * - `hotline:sessions:active` — set of active call ids,
 * - `hotline:sessions:ended` — sorted set of ended call ids scored by `endedAt`.
 *
 * Each write is one MULTI/EXEC, so a reader never sees a record and the indexes disagree.
 * Index members whose record has expired are removed when a listing meets them.
 */
export class RedisSessionStore implements SessionStore {
  readonly #redis: RedisLike;
  readonly #prefix: string;
  readonly #closeConnection: boolean;
  #closed = false;

  constructor(redis: RedisLike, options: RedisSessionStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix ?? 'hotline:';
    this.#closeConnection = options.closeConnection ?? true;
  }

  /** Key of a call's record. */
  key(callId: string): string {
    return `${this.#prefix}session:${callId}`;
  }

  get #active(): string {
    return `${this.#prefix}sessions:active`;
  }

  get #ended(): string {
    return `${this.#prefix}sessions:ended`;
  }

  async save(record: SessionRecord): Promise<void> {
    const json = JSON.stringify(record);
    const id = record.callId;
    await this.#run('save', () =>
      record.state === 'ended'
        ? // An ended record saved again keeps the expiry `end` gave it.
          transaction(this.#redis, [
            ['SET', this.key(id), json, 'KEEPTTL'],
            ['SREM', this.#active, id],
            ['ZADD', this.#ended, String(endedAt(record)), id],
          ])
        : transaction(this.#redis, [
            ['SET', this.key(id), json],
            ['SADD', this.#active, id],
            ['ZREM', this.#ended, id],
          ]),
    );
  }

  async get(callId: string): Promise<SessionRecord | undefined> {
    const json = await this.#run('get', () => this.#redis.sendCommand(['GET', this.key(callId)]));
    return json == null ? undefined : parse(json, callId);
  }

  async listActive(): Promise<SessionRecord[]> {
    const ids = asStrings(await this.#run('listActive', () => this.#redis.sendCommand(['SMEMBERS', this.#active])));
    const { records, missing } = await this.#load(ids);
    if (missing.length > 0) await this.#run('listActive', () => this.#redis.sendCommand(['SREM', this.#active, ...missing]));
    return records.sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Ended calls still retained, newest first. */
  async listEnded(limit: number): Promise<SessionRecord[]> {
    const out: SessionRecord[] = [];
    let start = 0;
    while (out.length < limit) {
      const stop = start + Math.max(ENDED_PAGE, limit - out.length) - 1;
      const ids = asStrings(
        await this.#run('listEnded', () => this.#redis.sendCommand(['ZRANGE', this.#ended, String(start), String(stop), 'REV'])),
      );
      if (ids.length === 0) break;
      const { records, missing } = await this.#load(ids);
      out.push(...records);
      if (missing.length > 0) {
        await this.#run('listEnded', () => this.#redis.sendCommand(['ZREM', this.#ended, ...missing]));
        start += ids.length - missing.length; // the removed members no longer shift the ranks
      } else {
        start += ids.length;
      }
    }
    return out.slice(0, Math.max(0, limit));
  }

  async end(record: SessionRecord, retainMs: number): Promise<void> {
    const ended: SessionRecord = { ...record, state: 'ended', endedAt: record.endedAt ?? Date.now() };
    const at = endedAt(ended);
    const id = ended.callId;
    await this.#run('end', () =>
      transaction(this.#redis, [
        ['SET', this.key(id), JSON.stringify(ended), 'PX', String(Math.max(1, Math.round(retainMs)))],
        ['SREM', this.#active, id],
        ['ZADD', this.#ended, String(at), id],
        // Calls that ended a whole retention period before this one have expired: trim the index.
        ['ZREMRANGEBYSCORE', this.#ended, '-inf', `(${at - retainMs}`],
      ]),
    );
  }

  async delete(callId: string): Promise<void> {
    await this.#run('delete', () =>
      transaction(this.#redis, [
        ['DEL', this.key(callId)],
        ['SREM', this.#active, callId],
        ['ZREM', this.#ended, callId],
      ]),
    );
  }

  async ping(): Promise<void> {
    const reply = await this.#run('ping', () => this.#redis.sendCommand(['PING']));
    if (reply !== 'PONG') throw hotlineError('HOTLINE_ERR_STORE', 'Redis did not answer PING', { reply: String(reply) });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#closeConnection) await this.#redis.close();
  }

  async #load(ids: string[]): Promise<{ records: SessionRecord[]; missing: string[] }> {
    if (ids.length === 0) return { records: [], missing: [] };
    const values = await this.#run('load', () => this.#redis.sendCommand(['MGET', ...ids.map((id) => this.key(id))]));
    const list = Array.isArray(values) ? values : [];
    const records: SessionRecord[] = [];
    const missing: string[] = [];
    ids.forEach((id, i) => {
      const json = list[i];
      if (json == null) missing.push(id);
      else records.push(parse(json, id));
    });
    return { records, missing };
  }

  async #run<T>(op: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw hotlineError('HOTLINE_ERR_STORE', 'the session store is closed', { op });
    try {
      return await fn();
    } catch (err) {
      throw hotlineError('HOTLINE_ERR_STORE', `Redis ${op} failed`, { op }, err);
    }
  }
}

function endedAt(record: SessionRecord): number {
  return record.endedAt ?? record.updatedAt;
}

function parse(json: unknown, callId: string): SessionRecord {
  try {
    return JSON.parse(String(json)) as SessionRecord;
  } catch (err) {
    throw hotlineError('HOTLINE_ERR_STORE', `the stored session ${callId} is not valid JSON`, { callId }, err);
  }
}

function asStrings(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.map(String) : [];
}
