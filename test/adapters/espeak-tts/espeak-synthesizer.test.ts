import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EspeakSynthesizer, runProgram } from '../../../src/adapters/espeak-tts/espeak-synthesizer.ts';
import { isHotlineError } from '../../../src/core/errors.ts';

describe('EspeakSynthesizer', () => {
  it('renders text to an 8 kHz WAV under tts/, cached by content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tts-'));
    const calls: string[] = [];
    const tts = new EspeakSynthesizer({ dir, run: (p, a) => (calls.push(p), runProgram(p, a)) });
    const first = await tts.render('Your order has shipped.');
    assert.match(first.name, /^tts\/[0-9a-f]{24}$/);
    assert.ok(first.durationMs > 500 && first.durationMs < 5000, `duration ${first.durationMs}`);
    const again = await tts.render('  Your order   has shipped. ');
    assert.deepEqual(again, first, 'same text (white space folded) is the same sound');
    assert.deepEqual(calls, ['espeak-ng', 'sox'], 'rendered once');
    assert.deepEqual(readdirSync(dir), [`${first.name.slice(4)}.wav`], 'no temporary files left');
  });

  it('passes text as one argument: shell syntax and option-like text are spoken, not run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tts-'));
    const marker = join(dir, 'pwned');
    const seen: string[][] = [];
    const tts = new EspeakSynthesizer({ dir, run: (p, a) => (seen.push(a), runProgram(p, a)) });
    const r = await tts.render(`--help; touch ${marker} $(touch ${marker})`);
    assert.ok(r.durationMs > 0);
    assert.equal(existsSync(marker), false);
    assert.equal(seen[0]!.at(-2), '--');
  });

  it('reports a host without espeak-ng as unsupported, and refuses odd voices', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tts-'));
    const missing = new EspeakSynthesizer({ dir, run: (_p, a) => runProgram('espeak-ng-not-installed', a) });
    await assert.rejects(missing.render('hello'), (err) => isHotlineError(err, 'HOTLINE_ERR_UNSUPPORTED'));
    await assert.rejects(new EspeakSynthesizer({ dir }).render('hi', { voice: 'en;rm' }), (err) => isHotlineError(err, 'HOTLINE_ERR_BAD_REQUEST'));
  });
});
