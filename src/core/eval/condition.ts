import type { Condition, Operator } from '../flow/types.ts';
import { lookup, renderTemplate, type TemplateScope } from './template.ts';

const OPERATORS = ['eq', 'ne', 'in', 'matches', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;

/**
 * Evaluates a `branch` condition against the call. Pure; unknown shapes are false (the validator
 * rejects them before a flow loads).
 */
export function evaluateCondition(cond: Condition, scope: TemplateScope): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluateCondition(c, scope));
  if ('any' in cond) return cond.any.some((c) => evaluateCondition(c, scope));
  if ('not' in cond) return !evaluateCondition(cond.not, scope);
  const subject = 'var' in cond ? lookup(scope, `vars.${cond.var}`) : renderTemplate(cond.value, scope);
  return applyOperator(subject, cond);
}

function applyOperator(subject: unknown, op: Operator): boolean {
  for (const name of OPERATORS) {
    if (!(name in op)) continue;
    const expected = op[name];
    switch (name) {
      case 'exists':
        return (subject !== undefined && subject !== null && subject !== '') === expected;
      case 'eq':
        return loose(subject) === loose(expected);
      case 'ne':
        return loose(subject) !== loose(expected);
      case 'in':
        return Array.isArray(expected) && expected.some((e) => loose(e) === loose(subject));
      case 'matches':
        return typeof expected === 'string' && new RegExp(expected).test(subject === undefined || subject === null ? '' : String(subject));
      case 'gt':
        return num(subject) > (expected as number);
      case 'gte':
        return num(subject) >= (expected as number);
      case 'lt':
        return num(subject) < (expected as number);
      case 'lte':
        return num(subject) <= (expected as number);
    }
  }
  return false;
}

// Variables from DTMF are strings and YAML literals may be numbers or booleans: compare as text.
function loose(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

function num(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : Number.NaN;
}
