import type { Diagnostic } from '../diagnostics.ts';
import type { Check } from './context.ts';

/**
 * A number is answered by one flow only. The flow listed first keeps it; later ones are
 * reported, so a new file cannot take a number over from one that is already live.
 */
export const checkDuplicateNumbers: Check = (ctx) => {
  const out: Diagnostic[] = [];
  const index = ctx.flows.indexOf(ctx.flow);
  (ctx.flow.doc.numbers ?? []).forEach((number, i) => {
    const owner = ctx.flows.find((f, j) => j < index && (f.doc.numbers ?? []).includes(number));
    if (!owner) return;
    out.push(
      ctx.report(`/numbers/${i}`, {
        code: 'duplicate-number',
        message: `number \`${number}\` is already answered by flow \`${owner.doc.id}\` (${owner.file})`,
        hint: 'each number may belong to one flow',
      }),
    );
  });
  return out;
};
