import { createHash } from 'node:crypto';
import type { RedisLike } from '../redis-like.ts';
import { LUA_PRELUDE } from './lua-prelude.ts';

/** One ACD Lua script: the shared prelude plus its body, and the SHA-1 Redis knows it by. */
export interface AcdScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

/** Builds a script from its body (the prelude's helpers are in scope). */
export function defineScript(name: string, body: string): AcdScript {
  const source = `-- ${name}\n${LUA_PRELUDE}\n${body}`;
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Loads scripts into the server's cache (`SCRIPT LOAD`), e.g. at start-up. */
export async function loadScripts(redis: RedisLike, scripts: readonly AcdScript[]): Promise<void> {
  for (const script of scripts) await redis.sendCommand(['SCRIPT', 'LOAD', script.source]);
}

/**
 * Runs a script by `EVALSHA`. When the server does not know it (`NOSCRIPT`: a restart or a
 * `SCRIPT FLUSH`), loads it and runs it again.
 */
export async function runScript(redis: RedisLike, script: AcdScript, args: readonly string[]): Promise<unknown> {
  try {
    return await redis.sendCommand(['EVALSHA', script.sha, '0', ...args]);
  } catch (err) {
    if (!String((err as Error)?.message ?? err).startsWith('NOSCRIPT')) throw err;
    await redis.sendCommand(['SCRIPT', 'LOAD', script.source]);
    return redis.sendCommand(['EVALSHA', script.sha, '0', ...args]);
  }
}
