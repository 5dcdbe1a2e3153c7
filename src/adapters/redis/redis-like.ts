/**
 * The slice of a Redis client the stores use: raw commands, and MULTI/EXEC for writes that must
 * be atomic. node-redis's client satisfies it as is; tests or other clients can inject their own.
 */
export interface RedisLike {
  /** Sends one command (`['GET', key]`) and resolves with its reply. */
  sendCommand(args: string[]): Promise<unknown>;
  /** A MULTI/EXEC transaction: queue commands with `addCommand`, run them atomically with `exec`. */
  multi(): { addCommand(args: string[]): unknown; exec(): Promise<unknown> };
  close(): Promise<void>;
}

/** Runs `commands` in one MULTI/EXEC transaction. */
export async function transaction(redis: RedisLike, commands: string[][]): Promise<unknown> {
  const multi = redis.multi();
  for (const command of commands) multi.addCommand(command);
  return multi.exec();
}
