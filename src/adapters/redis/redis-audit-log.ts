import type { AuditEntry, AuditFilter, AuditLog } from '../../ports/audit.ts';
import { hotlineError, isHotlineError } from '../../core/errors.ts';
import type { RedisLike } from './redis-like.ts';

/** Options of {@link RedisAuditLog}. */
export interface RedisAuditLogOptions {
  /** Prefix of every key. Default `hotline:` (the stream is `hotline:audit`). */
  keyPrefix?: string;
  /** Close the connection in `close()`. Default false: the session store usually owns it. */
  closeConnection?: boolean;
  /** Stream entries read per XREVRANGE while listing. Default 200. */
  pageSize?: number;
}

/** The one field of each stream entry: the entry (without its id) as JSON. */
const FIELD = 'entry';

/**
 * The audit log as a Redis stream (`hotline:audit`), shared by every Hotline node. Entries are
 * added with `XADD … *`, so the stream id is the entry id and ids grow across nodes; the stream
 * is never trimmed (an audit log that forgets is not one).
 *
 * `list` pages backwards through the stream and filters as it goes. `since` compares the entry's
 * own `at` (the writer's clock), not the stream id's time, so it cannot stop early: a filter that
 * matches little reads the whole stream.
 *
 * @example
 * const audit = new RedisAuditLog(await createRedisConnection(url));
 * await audit.append({ at: Date.now(), actor: 'sue', role: 'supervisor', action: 'recording.get', recordingId: id });
 */
export class RedisAuditLog implements AuditLog {
  readonly #redis: RedisLike;
  readonly #key: string;
  readonly #closeConnection: boolean;
  readonly #pageSize: number;
  #closed = false;

  constructor(redis: RedisLike, options: RedisAuditLogOptions = {}) {
    this.#redis = redis;
    this.#key = `${options.keyPrefix ?? 'hotline:'}audit`;
    this.#closeConnection = options.closeConnection ?? false;
    this.#pageSize = Math.max(1, Math.floor(options.pageSize ?? 200));
  }

  /** Key of the stream. */
  get key(): string {
    return this.#key;
  }

  async append(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    // A caller passing an `id` anyway must not see it stored or echoed: the stream assigns it.
    const { id: _ignored, ...rest } = entry as Omit<AuditEntry, 'id'> & { id?: unknown };
    const json = JSON.stringify(rest);
    const id = await this.#run('append', () => this.#redis.sendCommand(['XADD', this.#key, '*', FIELD, json]));
    return { ...(JSON.parse(json) as Omit<AuditEntry, 'id'>), id: String(id) };
  }

  /** Newest first, at most `limit` (default 100, 1..1000). */
  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const limit = clampLimit(filter.limit);
    const out: AuditEntry[] = [];
    let end = '+';
    while (out.length < limit) {
      const reply = await this.#run('list', () =>
        this.#redis.sendCommand(['XREVRANGE', this.#key, end, '-', 'COUNT', String(this.#pageSize)]),
      );
      const rows = Array.isArray(reply) ? reply : [];
      for (const row of rows) {
        const entry = toEntry(row);
        if (entry && matches(entry, filter)) out.push(entry);
        if (out.length >= limit) break;
      }
      if (rows.length < this.#pageSize) break;
      // The next page starts just before the oldest id of this one (exclusive range, Redis ≥ 6.2).
      end = `(${streamId(rows[rows.length - 1])}`;
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#closeConnection) await this.#redis.close();
  }

  async #run<T>(op: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw hotlineError('HOTLINE_ERR_STORE', 'the audit log is closed', { op });
    try {
      return await fn();
    } catch (err) {
      if (isHotlineError(err)) throw err;
      throw hotlineError('HOTLINE_ERR_STORE', `Redis audit ${op} failed`, { op }, err);
    }
  }
}

function clampLimit(limit: number | undefined): number {
  const n = limit === undefined || Number.isNaN(limit) ? 100 : Math.floor(limit);
  return Math.min(Math.max(n, 1), 1000);
}

function matches(e: AuditEntry, filter: AuditFilter): boolean {
  if (filter.actor !== undefined && e.actor !== filter.actor) return false;
  if (filter.action !== undefined && e.action !== filter.action) return false;
  if (filter.callId !== undefined && e.callId !== filter.callId) return false;
  if (filter.since !== undefined && e.at < filter.since) return false;
  return true;
}

function streamId(row: unknown): string {
  return String(Array.isArray(row) ? row[0] : '');
}

/** One XREVRANGE row, `[id, [field, value, …]]`, as an entry; undefined when not ours. */
function toEntry(row: unknown): AuditEntry | undefined {
  if (!Array.isArray(row) || !Array.isArray(row[1])) return undefined;
  const fields = row[1] as unknown[];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (String(fields[i]) !== FIELD) continue;
    const id = String(row[0]);
    try {
      return { ...(JSON.parse(String(fields[i + 1])) as Omit<AuditEntry, 'id'>), id };
    } catch (err) {
      throw hotlineError('HOTLINE_ERR_STORE', `audit entry ${id} is not valid JSON`, { id }, err);
    }
  }
  return undefined;
}
