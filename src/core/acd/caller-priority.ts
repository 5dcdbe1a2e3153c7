import type { QueueDefinition } from './queue-definition.ts';
import { MAX_PRIORITY } from './routing-order.ts';

/**
 * A caller's priority in a queue: the step's explicit priority when set, else the highest of
 * the queue's default, its VIP list (by caller ID) and the flow variable it names.
 */
export function callerPriority(def: QueueDefinition, from: string, vars: Record<string, unknown>, explicit?: number): number {
  if (explicit !== undefined) return clamp(explicit);
  let priority = def.priority.default;
  if (def.priority.vipNumbers.includes(from)) priority = Math.max(priority, def.priority.vipPriority);
  if (def.priority.fromVariable) {
    const value = Number(readPath(vars, def.priority.fromVariable));
    if (Number.isInteger(value) && value >= 0) priority = Math.max(priority, value);
  }
  return clamp(priority);
}

function clamp(n: number): number {
  return Math.max(0, Math.min(MAX_PRIORITY, Math.trunc(n)));
}

function readPath(vars: Record<string, unknown>, path: string): unknown {
  let value: unknown = vars;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
