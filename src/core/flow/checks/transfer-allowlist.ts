import type { Diagnostic } from '../diagnostics.ts';
import type { Check } from './context.ts';

/**
 * A literal transfer target (no `${...}`) must be permitted by the allowlist, when one is
 * configured. Templated targets are checked at run time, after interpolation.
 */
export const checkTransferAllowlist: Check = (ctx) => {
  const allow = ctx.options.transferAllow;
  if (!allow) return [];
  const patterns = allow.map((src) => new RegExp(src));
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    if (info.step.type !== 'transfer') continue;
    const to = info.step.to;
    if (typeof to !== 'string' || to.includes('${') || patterns.some((p) => p.test(to))) continue;
    out.push(
      ctx.report(`${info.pointer}/to`, {
        code: 'transfer-denied',
        message: `transfer target \`${to}\` in step \`${info.id}\` is not permitted by the transfer allowlist`,
        hint: allow.length ? `allowed patterns: ${allow.join(', ')}` : 'the allowlist is empty: no transfers are permitted',
      }),
    );
  }
  return out;
};
