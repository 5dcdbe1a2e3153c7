import { createClient } from 'redis';
import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';
import { hotlineError } from '../../core/errors.ts';
import type { RedisLike } from './redis-like.ts';

/** An open Redis connection for the stores. `close()` is idempotent. */
export interface RedisConnection extends RedisLike {
  readonly url: string;
}

/**
 * Connects to Redis (`REDIS_URL`). The first connection must succeed — a bad URL or a server
 * that is down fails start-up with `HOTLINE_ERR_STORE` instead of hanging. Later drops are
 * retried in the background; meanwhile commands fail at once (no offline queue), so a call's
 * save fails visibly rather than piling up in memory.
 *
 * @example
 * const redis = await createRedisConnection('redis://127.0.0.1:6379');
 * const sessions = new RedisSessionStore(redis);
 */
export async function createRedisConnection(
  url: string,
  options: { logger?: Logger; connectTimeoutMs?: number } = {},
): Promise<RedisConnection> {
  const logger = options.logger ?? silentLogger;
  let connected = false;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 5000,
      // Before the first connection, give up (connect() rejects); afterwards back off up to 2 s.
      reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(100 * 2 ** retries, 2000) : cause),
    },
  });
  // node-redis emits 'error' on every failed reconnect; without a listener the process would crash.
  client.on('error', (err: unknown) => logger.warn({ err }, 'redis connection error'));
  try {
    await client.connect();
  } catch (err) {
    throw hotlineError('HOTLINE_ERR_STORE', 'cannot connect to Redis', { url: redactUrl(url) }, err);
  }
  connected = true;

  let closing: Promise<void> | undefined;
  return {
    url: redactUrl(url),
    sendCommand: (args) => client.sendCommand(args),
    multi: () => client.multi(),
    close: () => {
      closing ??= client.close().catch(() => client.destroy());
      return closing;
    },
  };
}

/** The URL without its password, for logs and error details. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

// The composition root loads this module lazily (only with REDIS_URL) and takes the stores from it.
export { RedisSessionStore } from './redis-session-store.ts';
export { RedisFlowVersionStore } from './redis-flow-version-store.ts';
export type { RedisLike } from './redis-like.ts';
