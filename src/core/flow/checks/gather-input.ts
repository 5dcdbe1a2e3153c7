import type { Diagnostic } from '../diagnostics.ts';
import type { Check } from './context.ts';

/** A gather's digit bounds are consistent and its `pattern` is a valid regular expression. */
export const checkGatherInput: Check = (ctx) => {
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    const step = info.step;
    if (step.type !== 'gather') continue;
    const min = step.minDigits ?? 1;
    if (typeof step.maxDigits === 'number' && min > step.maxDigits) {
      out.push(
        ctx.report(`${info.pointer}/${step.minDigits === undefined ? 'maxDigits' : 'minDigits'}`, {
          code: 'gather-digits',
          message: `gather \`${info.id}\` needs at least ${min} digit${min === 1 ? '' : 's'} but accepts at most ${step.maxDigits}`,
          hint: 'minDigits must not exceed maxDigits',
        }),
      );
    }
    if (step.pattern !== undefined) {
      const problem = regexProblem(step.pattern);
      if (problem) {
        out.push(
          ctx.report(`${info.pointer}/pattern`, {
            code: 'invalid-pattern',
            message: `pattern of gather \`${info.id}\` is not a valid regular expression: ${problem}`,
          }),
        );
      }
    }
  }
  return out;
};

/** The engine's complaint about a regular expression, or undefined when it compiles. */
export function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err);
  }
}
