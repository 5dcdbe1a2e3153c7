/** Static checks and schema rules of `callback` steps and the queue step's keep-place offer (issue 5). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic, type Diagnostic } from '../../src/core/flow/diagnostics.ts';
import { validateFlows, type ValidateOptions } from '../../src/core/flow/validate.ts';
import { fakeSounds, flowWith, mustFail, mustParse, SOUND_NAMES, withCode } from './fixtures.ts';

function check(text: string, options: ValidateOptions = {}): Diagnostic[] {
  return validateFlows([mustParse(text, 'flows/f0.yaml')], options);
}

const line = (offer: string, extra = '') =>
  flowWith(`  a:
    type: queue
    queue: support
    keys: { "9": bye }
    callback: ${offer}
    on: { done: bye, timeout: bye }
  keep:
    type: callback
    action: keep-place
    on: { done: bye, error: a }
${extra}  bye: { type: hangup }
`);

describe('static checks: callbacks', () => {
  it('a queue offer leading to a keep-place step is fine, and its goto makes that step reachable', () => {
    assert.deepEqual(check(line('{ after: 30s, goto: keep }')).map(formatDiagnostic), []);
  });

  it('the offer must lead to a keep-place callback step', () => {
    const text = line('{ goto: book }', '  book: { type: callback, action: book, queue: support, on: { done: bye, error: bye } }\n');
    const [d] = withCode(check(text), 'callback-offer-target');
    assert.equal(d!.line, 8);
    assert.match(d!.message, /goes to `book` \(callback book\), not to a keep-place callback step/);
    const [e] = withCode(check(line('{ goto: bye }')), 'callback-offer-target');
    assert.match(e!.message, /\(hangup\)/);
  });

  it("the offer's key must not also be one of the step's keys", () => {
    const [d] = withCode(check(line('{ goto: keep, key: "9" }')), 'callback-offer-key');
    assert.match(d!.message, /key `9` of queue step `a` is both its callback offer and one of its `keys`/);
    assert.equal(withCode(check(line('{ goto: keep, key: "2" }')), 'callback-offer-key').length, 0);
  });

  it('an unknown offer target is reported as an unknown step, with a suggestion', () => {
    const [d] = withCode(check(line('{ goto: kep }')), 'unknown-step');
    assert.equal(d!.hint, 'did you mean `keep`?');
  });

  it('warns about a keep-place step no queue offer leads to', () => {
    const text = flowWith(`  a:
    type: callback
    action: keep-place
    on: { done: bye, error: bye }
  bye: { type: hangup }
`);
    const [d] = withCode(check(text), 'keep-place-outside-queue');
    assert.equal(d!.severity, 'warning');
  });

  it('events are per action: missing ones are unhandled, others unknown', () => {
    const pending = flowWith(`  a:
    type: callback
    action: pending
    on: { none: bye, done: bye }
  bye: { type: hangup }
`);
    const ds = check(pending);
    assert.match(withCode(ds, 'unhandled-event')[0]!.message, /does not handle `kept`, `cancelled`/);
    assert.match(withCode(ds, 'unknown-event')[0]!.message, /`callback` step `a` has no event `done`/);
    const book = flowWith(`  a:
    type: callback
    action: book
    queue: support
    on: { done: bye, error: bye, full: bye }
  bye: { type: hangup }
`);
    assert.deepEqual(check(book).map(formatDiagnostic), [], '`full` is optional on book');
  });

  it('a callback step with no handlers at all is an unhandled event, not a dead end', () => {
    const text = flowWith(`  a: { type: callback, action: keep-place }
`);
    const ds = check(text);
    assert.equal(withCode(ds, 'unhandled-event').length, 1);
    assert.equal(withCode(ds, 'dead-end').length, 0);
  });

  it('the queue of a callback step must be a known queue', () => {
    const text = flowWith(`  a:
    type: callback
    action: book
    queue: suport
    on: { done: bye, error: bye }
  bye: { type: hangup }
`);
    const [d] = withCode(check(text, { knownQueues: ['support', 'billing'] }), 'unknown-queue');
    assert.equal(d!.hint, 'did you mean `support`?');
  });

  it('the built-in callback sounds must exist in the sound library', () => {
    const without = SOUND_NAMES.filter((n) => n !== 'callback-place-kept' && n !== 'callback-keep-place');
    const ds = withCode(check(line('{ goto: keep }'), { sounds: fakeSounds(without) }), 'unknown-sound');
    assert.deepEqual(
      ds.map((d) => d.message),
      ['step `a` plays `callback-keep-place`, which the sound library lacks', 'step `keep` plays `callback-place-kept`, which the sound library lacks'],
    );
    assert.deepEqual(withCode(check(line('{ goto: keep }'), { sounds: fakeSounds() }), 'unknown-sound'), []);
  });
});

describe('flow schema: callbacks', () => {
  it('book needs a queue', () => {
    const [d] = mustFail(flowWith('  a: { type: callback, action: book, on: { done: a, error: a } }\n'));
    assert.equal(d!.message, 'step `a` (callback) is missing `queue`');
  });

  it('rejects an unknown action and a malformed offer', () => {
    const [d] = mustFail(flowWith('  a: { type: callback, action: later, on: { done: a } }\n'));
    assert.match(d!.message, /action/);
    const [e] = mustFail(flowWith('  a: { type: queue, queue: q, callback: { key: "12", goto: a }, on: { done: a, timeout: a } }\n'));
    assert.match(e!.message, /key/);
    const [f] = mustFail(flowWith('  a: { type: queue, queue: q, callback: { after: 30s }, on: { done: a, timeout: a } }\n'));
    assert.match(f!.message, /goto/);
  });
});
