import type { Step } from '../flow/types.ts';

/** A state node config as plain data. */
type StateConfig = Record<string, unknown>;

/** True when a step is sensitive by itself (`sensitive: true`, or a `secure` gather). */
export function isSensitiveStep(step: Step): boolean {
  return Boolean(step.sensitive || (step.type === 'gather' && step.secure));
}

/**
 * Wraps a sensitive step's state: recordings pause on entry (before its prompt or input) and
 * resume on exit, whichever way it is left (next step, hang-up, a group's handler). Children of
 * a sensitive group are covered by the group's own entry and exit.
 */
export function withRecordingPause(config: StateConfig, stateId: string): StateConfig {
  const marker = { step: stateId };
  return {
    ...config,
    entry: [{ type: 'sensitiveEnter', params: marker }, ...asList(config.entry)],
    exit: [...asList(config.exit), { type: 'sensitiveExit', params: marker }],
  };
}

/** Input actions whose variable becomes secure inside a sensitive step. */
const INPUT_ACTIONS = new Set(['storeDigits', 'storeChoice']);

/**
 * Marks what a sensitive step (and everything inside it) stores from the caller as secure:
 * redacted in logs and the API, encrypted in the stored session.
 */
export function markInputSecure(config: StateConfig): StateConfig {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node !== 'object' || node === null) return node;
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string' && INPUT_ACTIONS.has(record.type) && typeof record.params === 'object' && record.params !== null) {
      return { ...record, params: { ...(record.params as object), secure: true } };
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, visit(v)]));
  };
  return visit(config) as StateConfig;
}

/** True when a compiled state node pauses recordings on entry (see {@link withRecordingPause}). */
export function pausesRecording(entry: ReadonlyArray<unknown>): boolean {
  return entry.some((a) => typeof a === 'object' && a !== null && (a as { type?: unknown }).type === 'sensitiveEnter');
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
