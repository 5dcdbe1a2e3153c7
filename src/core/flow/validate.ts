/**
 * Static checks over a set of flows (`hotline validate`, and the registry before it loads).
 */
import { hotlineError } from '../errors.ts';
import { createCheckContext } from './checks/context.ts';
import type { ValidateOptions } from './checks/context.ts';
import { ALL_CHECKS } from './checks/index.ts';
import { sortDiagnostics } from './diagnostics.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { LoadedFlow } from './loader.ts';

export type { ValidateOptions } from './checks/context.ts';

/**
 * Runs every static check on every flow. Flows are validated together because subflow ids and
 * numbers span files; for duplicates, the flow listed first wins.
 * Throws `HOTLINE_ERR_CONFIG` when an allowlist pattern is not a valid regular expression.
 * @example
 * const diagnostics = validateFlows([flow], { sounds, transferAllow: ['^\\+1800\\d{7}$'] });
 * if (hasErrors(diagnostics)) ...
 */
export function validateFlows(flows: LoadedFlow[], options: ValidateOptions = {}): Diagnostic[] {
  for (const src of options.transferAllow ?? []) {
    try {
      new RegExp(src);
    } catch (err) {
      throw hotlineError('HOTLINE_ERR_CONFIG', `transfer allowlist pattern ${JSON.stringify(src)} is not a valid regular expression`, { pattern: src }, err);
    }
  }
  const out: Diagnostic[] = [];
  for (const flow of flows) {
    const ctx = createCheckContext(flow, flows, options);
    for (const { check } of ALL_CHECKS) out.push(...check(ctx));
  }
  return sortDiagnostics(out);
}
