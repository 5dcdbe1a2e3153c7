import type { Diagnostic } from '../diagnostics.ts';
import type { Condition } from '../types.ts';
import type { Check } from './context.ts';
import { regexProblem } from './gather-input.ts';

/** Every `matches` in a branch condition (at any depth of `all`/`any`/`not`) compiles. */
export const checkBranchRegex: Check = (ctx) => {
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    if (info.step.type !== 'branch') continue;
    (info.step.cases ?? []).forEach((c, i) => {
      for (const { source, pointer } of regexesIn(c.when, `${info.pointer}/cases/${i}/when`)) {
        const problem = regexProblem(source);
        if (!problem) continue;
        out.push(
          ctx.report(pointer, {
            code: 'invalid-regex',
            message: `\`matches\` in branch \`${info.id}\` is not a valid regular expression: ${problem}`,
            hint: 'in YAML double quotes a backslash must be doubled (`"^\\\\+1"`); single quotes keep it as is',
          }),
        );
      }
    });
  }
  return out;
};

function regexesIn(cond: Condition | undefined, ptr: string): Array<{ source: string; pointer: string }> {
  if (!cond || typeof cond !== 'object') return [];
  if ('all' in cond) return cond.all.flatMap((c, i) => regexesIn(c, `${ptr}/all/${i}`));
  if ('any' in cond) return cond.any.flatMap((c, i) => regexesIn(c, `${ptr}/any/${i}`));
  if ('not' in cond) return regexesIn(cond.not, `${ptr}/not`);
  return typeof cond.matches === 'string' ? [{ source: cond.matches, pointer: `${ptr}/matches` }] : [];
}
