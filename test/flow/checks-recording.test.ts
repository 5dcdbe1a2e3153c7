import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic } from '../../src/core/flow/diagnostics.ts';
import type { Diagnostic } from '../../src/core/flow/diagnostics.ts';
import { validateFlows } from '../../src/core/flow/validate.ts';
import type { ValidateOptions } from '../../src/core/flow/validate.ts';
import { flowWith, mustFail, mustParse, withCode } from './fixtures.ts';

function check(text: string, options: ValidateOptions = {}): Diagnostic[] {
  return validateFlows([mustParse(text, 'flows/f0.yaml')], options);
}

const BYE = '  bye: { type: hangup }\n';

const RECORDED_PAYMENT = flowWith(`  a: { type: record, action: start, on: { done: card } }
  card:
    type: gather
    prompt: x
    into: card
    maxDigits: 16
    secure: true
    on: { done: bye, noInput: bye, invalid: bye }
${BYE}`);

describe('static checks: recording and sensitive steps', () => {
  it('the record step is in the schema: an action is required and must be known', () => {
    assert.deepEqual(check(RECORDED_PAYMENT), [], 'a recorded payment on a PBX that pauses is fine');
    const missing = mustFail(flowWith(`  a: { type: record, on: { done: bye } }\n${BYE}`));
    assert.ok(missing.length > 0);
    const wrong = mustFail(flowWith(`  a: { type: record, action: mute, on: { done: bye } }\n${BYE}`));
    assert.ok(wrong.some((d) => d.message.includes('start, stop, pause, resume')), wrong.map(formatDiagnostic).join('\n'));
    const unhandled = check(flowWith(`  a: { type: record, action: stop }\n${BYE}`));
    assert.ok(unhandled.some((d) => d.severity === 'error' && d.message.includes('done')), 'done must be handled');
  });

  it('sensitive-unpausable: a recorded flow with sensitive input on a PBX that cannot pause', () => {
    const ds = withCode(check(RECORDED_PAYMENT, { recordingPause: false }), 'sensitive-unpausable');
    assert.deepEqual(ds.map(formatDiagnostic), [
      'flows/f0.yaml:10:13: error: step `card` takes secure input while the flow records the call (step `a`), and this PBX cannot pause recordings — do not record this flow, or run it on a PBX that can pause (mute) recordings',
    ]);
    const queued = flowWith(`  a: { type: queue, queue: billing, on: { done: p, timeout: p } }
  p: { type: play, prompt: x, sensitive: true, on: { done: bye } }
${BYE}`);
    assert.deepEqual(check(queued, { recordingPause: false }), [], 'a queue without a recording policy records nothing');
    const byQueue = withCode(check(queued, { recordingPause: false, recordedQueues: ['billing'] }), 'sensitive-unpausable');
    assert.equal(byQueue.length, 1);
    assert.match(byQueue[0]!.message, /queue `billing` in step `a`/);
  });

  it('sensitive-speech: a sensitive menu (or one in a sensitive group) may not listen for speech', () => {
    const text = flowWith(`  a:
    type: group
    sensitive: true
    start: m
    steps:
      m:
        type: menu
        prompt: x
        options: { "1": { goto: bye, say: [yes] } }
        speech: { language: en-US }
        on: { noInput: bye, noMatch: bye }
  b:
    type: menu
    prompt: x
    options: { "1": bye }
    speech: {}
    on: { noInput: bye, noMatch: bye }
${BYE}`);
    assert.deepEqual(withCode(check(text), 'sensitive-speech').map((d) => [d.severity, d.line, d.message]), [
      ['error', 13, 'sensitive step `m` enables speech: the recognizer would transcribe the sensitive answer'],
    ]);
  });

  it('sensitive-recorder: a voicemail cannot be sensitive', () => {
    const text = flowWith(`  a: { type: voicemail, sensitive: true, on: { done: g } }
  g:
    type: group
    sensitive: true
    start: vm
    steps:
      vm: { type: voicemail, on: { done: bye } }
${BYE}`);
    assert.deepEqual(withCode(check(text), 'sensitive-recorder').map((d) => [d.line, d.message]), [
      [4, 'voicemail step `a` is sensitive, but a voicemail is a recording that cannot be paused'],
      [10, 'voicemail step `vm` is sensitive (group `g`), but a voicemail is a recording that cannot be paused'],
    ]);
  });

  it('record-pause-unresumed: warns about a pause no path resumes', () => {
    const never = flowWith(`  a: { type: record, action: start, on: { done: p } }
  p: { type: record, action: pause, on: { done: m } }
  m: { type: menu, prompt: x, options: { "1": bye }, on: { noInput: bye, noMatch: bye } }
${BYE}`);
    assert.deepEqual(withCode(check(never), 'record-pause-unresumed').map((d) => [d.severity, d.line]), [['warning', 5]]);
    const resumed = flowWith(`  a: { type: record, action: start, on: { done: p } }
  p: { type: record, action: pause, on: { done: m } }
  m: { type: menu, prompt: x, options: { "1": r }, on: { noInput: bye, noMatch: bye } }
  r: { type: record, action: resume, on: { done: bye } }
${BYE}`);
    assert.deepEqual(withCode(check(resumed), 'record-pause-unresumed'), []);
  });
});
