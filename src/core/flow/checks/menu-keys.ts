import type { Diagnostic } from '../diagnostics.ts';
import { pointerSeg } from './context.ts';
import type { Check } from './context.ts';

const KEY = /^[0-9*#]$/;

/** Menu option keys and `repeatKey` are single DTMF keys, and the repeat key is not an option. */
export const checkMenuKeys: Check = (ctx) => {
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    if (info.step.type !== 'menu') continue;
    const keys = Object.keys(info.step.options ?? {});
    for (const key of keys) {
      if (KEY.test(key)) continue;
      out.push(
        ctx.report(`${info.pointer}/options/${pointerSeg(key)}`, {
          code: 'invalid-menu-key',
          message: `menu \`${info.id}\` has option key \`${key}\`, which is not a phone key`,
          hint: 'use one key: `0`-`9`, `*` or `#` (quote it: "1")',
          atKey: true,
        }),
      );
    }
    const repeat = info.step.repeatKey;
    if (repeat === undefined) continue;
    if (!KEY.test(repeat)) {
      out.push(
        ctx.report(`${info.pointer}/repeatKey`, {
          code: 'invalid-menu-key',
          message: `repeatKey \`${repeat}\` of menu \`${info.id}\` is not a phone key`,
          hint: 'use one key: `0`-`9`, `*` or `#`',
        }),
      );
    } else if (keys.includes(repeat)) {
      out.push(
        ctx.report(`${info.pointer}/repeatKey`, {
          code: 'repeat-key-conflict',
          message: `repeatKey \`${repeat}\` of menu \`${info.id}\` is also an option`,
          hint: `pick a repeat key that no option uses (free: ${freeKeys(keys).join(' ') || 'none'})`,
        }),
      );
    }
  }
  return out;
};

function freeKeys(used: string[]): string[] {
  return [...'0123456789*#'].filter((k) => !used.includes(k));
}
