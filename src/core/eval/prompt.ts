import type { Media, ToneName } from '../../ports/telephony.ts';
import type { Prompt, PromptItem } from '../flow/types.ts';
import { renderTemplate, type TemplateScope } from './template.ts';

/** Normalises a prompt into a list of items. */
export function promptItems(prompt: Prompt | undefined): PromptItem[] {
  if (prompt === undefined) return [];
  return Array.isArray(prompt) ? prompt : [prompt];
}

/** Sound names a prompt refers to (for static checks). */
export function promptSounds(prompt: Prompt | undefined): string[] {
  return promptItems(prompt).flatMap((item) => (typeof item === 'string' ? [item] : 'sound' in item ? [item.sound] : []));
}

/** Turns prompt items into media for the telephony port, rendering templates. */
export function resolvePrompt(prompt: Prompt | undefined, scope: TemplateScope): Media[] {
  const out: Media[] = [];
  for (const item of promptItems(prompt)) {
    if (typeof item === 'string') out.push({ kind: 'sound', name: item });
    else if ('sound' in item) out.push({ kind: 'sound', name: item.sound });
    else if ('say' in item) {
      const text = renderTemplate(item.say, scope).trim();
      if (text) out.push(item.voice ? { kind: 'text', text, voice: item.voice } : { kind: 'text', text });
    } else if ('digits' in item) {
      // Only digits and keypad symbols are read out; anything else in the variable is dropped.
      const value = renderTemplate(item.digits, scope).replace(/[^0-9*#]/g, '');
      if (value) out.push({ kind: 'digits', value });
    } else if ('number' in item) {
      const value = Number(renderTemplate(item.number, scope));
      if (Number.isFinite(value)) out.push({ kind: 'number', value });
    } else if ('tone' in item) out.push({ kind: 'tone', name: item.tone as ToneName });
  }
  return out;
}
