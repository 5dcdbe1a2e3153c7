import type { SessionRecord } from '../../ports/stores.ts';
import type { CallView } from './types.ts';

/** Placeholder shown instead of sensitive values. */
export const REDACTED = '[REDACTED]';

/** Copies variables, replacing the sensitive ones. */
export function redactVariables(vars: Record<string, unknown>, secure: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) out[k] = secure.includes(k) ? REDACTED : v;
  return out;
}

/** What the API shows of a session record. */
export function toCallView(record: SessionRecord): CallView {
  return {
    id: record.callId,
    flow: record.flowId,
    version: record.flowVersion,
    step: record.step,
    path: [...record.path],
    variables: record.variables,
    prompts: record.prompts.map((p) => ({ ...p })),
    state: record.state,
    direction: record.direction,
    from: record.from,
    to: record.to,
    driver: record.driver,
    startedAt: new Date(record.startedAt).toISOString(),
    ...(record.endedAt !== undefined ? { endedAt: new Date(record.endedAt).toISOString() } : {}),
    ...(record.outcome !== undefined ? { outcome: record.outcome } : {}),
  };
}
