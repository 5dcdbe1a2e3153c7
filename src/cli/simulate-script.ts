import { hotlineError } from '../core/errors.ts';

/** One event of a `hotline simulate --input` script. */
export type ScriptEvent =
  | { kind: 'digits'; digits: string }
  | { kind: 'say'; text: string }
  | { kind: 'wait'; ms: number }
  | { kind: 'hangup' };

/**
 * Parses `"1, 123456#, say:technical support, wait:5s, hangup"`. Throws `HOTLINE_ERR_BAD_REQUEST`
 * naming the first event it does not understand.
 */
export function parseScript(input: string): ScriptEvent[] {
  const parts = input.split(',').map((p) => p.trim());
  if (parts.length === 1 && parts[0] === '') return [];
  return parts.map((part, i) => {
    const where = `input event ${i + 1} \`${part}\``;
    if (/^[0-9*#A-D]{1,64}$/.test(part)) return { kind: 'digits', digits: part };
    if (part === 'hangup') return { kind: 'hangup' };
    const say = /^say:(.*)$/s.exec(part);
    if (say) {
      const text = say[1]!.trim();
      if (text.length === 0 || text.length > 500) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `${where}: say needs 1 to 500 characters of text`);
      return { kind: 'say', text };
    }
    const wait = /^wait:(\d+(?:\.\d+)?)s$/.exec(part);
    if (wait) {
      const seconds = Number(wait[1]);
      if (!(seconds > 0 && seconds <= 86400)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `${where}: wait must be more than 0 and at most 86400 seconds`);
      return { kind: 'wait', ms: Math.round(seconds * 1000) };
    }
    throw hotlineError(
      'HOTLINE_ERR_BAD_REQUEST',
      `${where} is not understood: use digits (1, 123456#), say:<words>, wait:<seconds>s or hangup, separated by commas`,
    );
  });
}
