import type { LogLine } from './pino-lines.ts';

/** A callback as `GET /api/callbacks` shows it (the fields the crash tests read). */
export interface CallbackSeen {
  id: string;
  state: string;
  outcome: string | null;
  attempts: Array<{ n: number; outcome: string | null }>;
}

/** One process's parsed log, and whether the test killed it. */
export interface NodeLog {
  node: string;
  lines: readonly LogLine[];
  killed: boolean;
}

/** What the crash tests print: where each callback's single attempt was dialled. */
export interface CallbackFigures {
  /** `callback dialing` lines per node that were written before the kill. */
  dialledBeforeKill: Record<string, number>;
  /** `callback dialing` lines written by the surviving or restarted nodes after the kill. */
  dialledAfterKill: number;
  /** Attempts the killed node had begun and the API shows `interrupted`. */
  interrupted: number;
  noAnswer: number;
}

/**
 * Checks the crash tests' promise for callbacks that allow one attempt (`maxAttempts: 1`): each
 * callback in `ids` was dialled exactly once over all logs (one `callback dialing` line, for
 * attempt 1), none is missing from the API, each shows exactly attempt 1 with an outcome
 * (`no-answer`, or `interrupted` for an attempt the killed node was dialling), and its final
 * state follows from that outcome. Returns the broken rules (empty when the run kept its
 * promise) and the figures.
 *
 * @example
 * const { violations } = callbackEvidence(ids, [{ node: 'A', lines, killed: true }, { node: 'A2', lines: lines2, killed: false }], seen, killedAt);
 * assert.deepEqual(violations, []);
 */
export function callbackEvidence(
  ids: readonly string[],
  logs: readonly NodeLog[],
  seen: readonly CallbackSeen[],
  killedAt: number,
): { violations: string[]; figures: CallbackFigures } {
  const violations: string[] = [];
  const wanted = new Set(ids);
  /** Callback id → the nodes whose log has a `callback dialing` line for it (one entry per line). */
  const dialledBy = new Map<string, string[]>();
  const killedNodes = new Set(logs.filter((l) => l.killed).map((l) => l.node));
  const figures: CallbackFigures = { dialledBeforeKill: {}, dialledAfterKill: 0, interrupted: 0, noAnswer: 0 };
  for (const log of logs) figures.dialledBeforeKill[log.node] = 0;

  for (const log of logs) {
    for (const line of log.lines) {
      if (line.msg !== 'callback dialing') continue;
      const id = String(line.callbackId);
      if (!wanted.has(id)) violations.push(`${log.node} dialled callback ${id}, which the test did not create`);
      if (line.attempt !== 1) violations.push(`${log.node} dialled attempt ${String(line.attempt)} of ${id}; only attempt 1 is allowed`);
      dialledBy.set(id, [...(dialledBy.get(id) ?? []), log.node]);
      if (log.killed || line.time <= killedAt) figures.dialledBeforeKill[log.node]!++;
      else figures.dialledAfterKill++;
    }
  }
  for (const id of ids) {
    const nodes = dialledBy.get(id) ?? [];
    if (nodes.length === 0) violations.push(`callback ${id} was never dialled`);
    if (nodes.length > 1) violations.push(`callback ${id} was dialled ${nodes.length} times (${nodes.join(', ')})`);
  }

  const byId = new Map(seen.map((c) => [c.id, c]));
  for (const id of ids) {
    const c = byId.get(id);
    if (!c) {
      violations.push(`callback ${id} is missing from the API`);
      continue;
    }
    const shape = c.attempts.map((a) => `${a.n}:${a.outcome ?? 'open'}`).join(',');
    if (c.attempts.length !== 1 || c.attempts[0]!.n !== 1) {
      violations.push(`callback ${id} shows attempts [${shape}]; exactly attempt 1 was expected`);
      continue;
    }
    const outcome = c.attempts[0]!.outcome;
    if (outcome === 'no-answer') {
      figures.noAnswer++;
      if (c.state !== 'no-answer') violations.push(`callback ${id}: attempt 1 had no answer but the callback is ${c.state}`);
    } else if (outcome === 'interrupted') {
      figures.interrupted++;
      const nodes = dialledBy.get(id) ?? [];
      // Interrupted means "begun by a node that died": only the killed node may have rung it.
      if (!nodes.some((n) => killedNodes.has(n))) violations.push(`callback ${id} is interrupted but no killed node dialled it (dialled by: ${nodes.join(', ') || 'nobody'})`);
      if (c.state !== 'failed') violations.push(`callback ${id}: its only attempt was interrupted but the callback is ${c.state}, not failed`);
    } else {
      violations.push(`callback ${id}: attempt 1 ended ${outcome ?? 'without an outcome'} (state ${c.state}); no-answer or interrupted was expected`);
    }
  }
  return { violations, figures };
}
