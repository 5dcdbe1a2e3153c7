import { main } from '../main.ts';
import type { CliIo } from './io.ts';

/** `hotline serve`: the server, as `src/main.ts` runs it (signals handled there). */
export async function runServe(io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number | 'running'> {
  const app = await main({ env, io });
  return app ? 'running' : 1;
}
