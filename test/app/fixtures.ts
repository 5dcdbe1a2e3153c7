import { encodeWav } from '../../src/adapters/sim/sim-wav.ts';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A silent 8 kHz 16-bit mono WAV of `ms` milliseconds. */
export function silentWav(ms: number): Buffer {
  return Buffer.from(encodeWav(new Int16Array(Math.round((8000 * ms) / 1000))));
}

/** A small flow exercising play, menu, http (demo CRM), say and hangup. */
export const TEST_FLOW = `id: test-line
name: Test line
numbers: ["+18005550100", "100"]
start: welcome
steps:
  welcome:
    type: play
    prompt: hello
    on: { done: menu }
  menu:
    type: menu
    prompt: options
    options:
      "1": lookup
      "2": bye
    timeout: 5s
    retries: 1
    on: { noInput: bye, noMatch: bye }
  lookup:
    type: http
    url: "\${settings.crm_url}/orders/123450"
    into: order
    on: { done: say-status, error: bye }
  say-status:
    type: play
    prompt: { say: "\${vars.order.statusText}" }
    on: { done: bye }
  bye:
    type: hangup
    prompt: goodbye
`;

/** A temp directory with `flows/` (the test flow, plus `extra` files) and `sounds/`. */
export function makeWorkspace(extra: Record<string, string> = {}): { dir: string; flowsDir: string; soundsDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-ws-'));
  const flowsDir = join(dir, 'flows');
  const soundsDir = join(dir, 'sounds');
  mkdirSync(flowsDir);
  mkdirSync(soundsDir);
  writeFileSync(join(flowsDir, 'test-line.yaml'), TEST_FLOW);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(flowsDir, name), text);
  writeFileSync(join(soundsDir, 'hello.wav'), silentWav(1000));
  writeFileSync(join(soundsDir, 'options.wav'), silentWav(2000));
  writeFileSync(join(soundsDir, 'goodbye.wav'), silentWav(500));
  return { dir, flowsDir, soundsDir };
}
