import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic } from '../../src/core/flow/diagnostics.ts';
import type { Diagnostic } from '../../src/core/flow/diagnostics.ts';
import { validateFlows } from '../../src/core/flow/validate.ts';
import type { ValidateOptions } from '../../src/core/flow/validate.ts';
import { fakeSounds, flowWith, mustParse, SUPPORT_FLOW, TROUBLESHOOT_FLOW, withCode } from './fixtures.ts';

function check(texts: string | string[], options: ValidateOptions = {}): Diagnostic[] {
  const list = Array.isArray(texts) ? texts : [texts];
  return validateFlows(list.map((t, i) => mustParse(t, `flows/f${i}.yaml`)), options);
}

describe('static checks: steps and transitions', () => {
  it('finds nothing wrong in the realistic flows', () => {
    const ds = check([SUPPORT_FLOW, TROUBLESHOOT_FLOW], { sounds: fakeSounds(), transferAllow: ['^\\+1800'], knownQueues: ['support'] });
    assert.deepEqual(ds.map(formatDiagnostic), []);
  });

  it('start must exist', () => {
    const [d] = withCode(check(flowWith('  welcome: { type: hangup }\n', 'id: t\nstart: welcom\n')), 'unknown-start');
    assert.equal(formatDiagnostic(d!), 'flows/f0.yaml:2:8: error: start step `welcom` does not exist — did you mean `welcome`?');
  });

  it('a group starts at one of its own steps', () => {
    const text = flowWith(`  a:
    type: group
    start: b
    steps:
      c: { type: hangup }
  b: { type: hangup }
`);
    const [d] = withCode(check(text), 'group-start-outside');
    assert.deepEqual([d!.line, d!.column], [6, 12]);
    assert.equal(d!.hint, 'did you mean `c`?');
    assert.equal(withCode(check(text.replace('start: b', 'start: c')), 'group-start-outside').length, 0);
  });

  it('reports unknown targets at the target with a suggestion', () => {
    const text = flowWith(`  a:
    type: menu
    prompt: x
    options:
      "1": biling
      "2": { goto: billing }
      "3": { goto: nowhere }
    on: { noInput: billing, noMatch: bye }
  billing: { type: hangup }
`);
    const ds = withCode(check(text, {}), 'unknown-step');
    assert.deepEqual(ds.map(formatDiagnostic), [
      'flows/f0.yaml:8:12: error: unknown step `biling` — did you mean `billing`?',
      'flows/f0.yaml:10:20: error: unknown step `nowhere`',
      'flows/f0.yaml:11:38: error: unknown step `bye`',
    ]);
    const branch = flowWith('  a: { type: branch, cases: [ { when: { var: x, eq: 1 }, goto: bb } ], on: { otherwise: b } }\n  b: { type: hangup }\n');
    assert.equal(withCode(check(branch), 'unknown-step')[0]!.hint, 'did you mean `b`?');
  });

  it('step ids are unique across nested groups', () => {
    const text = flowWith(`  a:
    type: group
    start: b
    steps:
      b: { type: hangup }
      g:
        type: group
        start: a
        steps:
          a: { type: hangup }
`);
    const [d] = withCode(check(text), 'duplicate-step');
    assert.deepEqual([d!.line, d!.column, d!.message], [13, 11, 'step id `a` is already used on line 4']);
    assert.equal(withCode(check(text.replace('a: { type', 'z: { type').replace('start: a', 'start: z')), 'duplicate-step').length, 0);
  });

  it('required events must be handled by the step or an enclosing group', () => {
    const text = flowWith(`  a:
    type: group
    start: h
    on: { error: bye }
    steps:
      h:
        type: http
        url: u
        on: { done: bye }
  bye: { type: hangup }
  p: { type: play, prompt: x }
`);
    const ds = withCode(check(text), 'unhandled-event');
    assert.equal(ds.length, 1);
    assert.equal(formatDiagnostic(ds[0]!), 'flows/f0.yaml:14:3: error: step `p` (play) does not handle `done` — add `on: { done: <step> }` to the step or to an enclosing group');
    const nested = flowWith(`  a:
    type: group
    start: g
    on: { noInput: bye, noMatch: bye }
    steps:
      g:
        type: group
        start: m
        steps:
          m: { type: menu, prompt: x, options: { "1": bye } }
  bye: { type: hangup }
`);
    assert.equal(withCode(check(nested), 'unhandled-event').length, 0);
    assert.equal(withCode(check(nested), 'unknown-event').length, 0, 'a group may handle events of steps nested deeper');
    assert.equal(withCode(check(nested.replace('noMatch: bye', 'noMatchh: bye')), 'unhandled-event').length, 1);
  });

  it('events in `on` must be events of the kind (a group may handle its steps\' events)', () => {
    const text = flowWith(`  a: { type: play, prompt: x, on: { done: g, dnoe: g } }
  g:
    type: group
    start: h
    on: { error: bye, noInput: bye, open: bye }
    steps:
      h: { type: http, url: u, on: { done: bye } }
  bye: { type: hangup, on: { done: a } }
`);
    const ds = withCode(check(text), 'unknown-event');
    assert.deepEqual(ds.map((d) => [d.line, d.column, d.hint]), [
      [4, 46, 'did you mean `done`?'],
      [8, 23, 'its events: `error`, `done`'],
      [8, 37, 'its events: `error`, `done`'],
      [11, 30, 'a `hangup` step ends the call and emits no events'],
    ]);
  });

  it('flags dead ends: a step that can neither continue nor end the call', () => {
    // The schema keeps this out of files; the check still guards documents built in code.
    const flow = mustParse(flowWith('  a: { type: group, start: b, steps: { b: { type: hangup } } }\n'));
    (flow.doc.steps as Record<string, unknown>)['a'] = { type: 'group', start: 'b', steps: {} };
    const ds = withCode(validateFlows([flow]), 'dead-end');
    assert.equal(ds.length, 1);
    assert.match(ds[0]!.message, /group `a` has no steps/);
    const ok = mustParse(flowWith('  a: { type: group, start: b, steps: { b: { type: hangup } } }\n'));
    assert.equal(withCode(validateFlows([ok]), 'dead-end').length, 0);
  });

  it('warns about unreachable steps, once per unreachable group', () => {
    const text = flowWith(`  a: { type: menu, prompt: x, options: { "1": g }, on: { noInput: c, noMatch: c } }
  c: { type: hangup }
  g:
    type: group
    start: g1
    on: { error: e }
    steps:
      g1: { type: http, url: u, on: { done: c } }
  e: { type: hangup }
  lost: { type: play, prompt: x, on: { done: lost-group } }
  lost-group:
    type: group
    start: l1
    steps:
      l1: { type: hangup }
`);
    const ds = check(text);
    assert.deepEqual(ds.map((d) => [d.severity, d.code, d.line, d.message]), [
      ['warning', 'unreachable-step', 13, 'step `lost` is never reached from `a`'],
      ['warning', 'unreachable-step', 14, 'step `lost-group` is never reached from `a`'],
    ]);
  });

  it('rejects cycles made only of failure events, explaining the cycle', () => {
    const line = '  a: { type: menu, prompt: x, options: { "1": b }, on: { noInput: a, noMatch: b } }';
    const self = flowWith(`${line}\n  b: { type: hangup }\n`);
    const [d] = withCode(check(self), 'retry-loop');
    assert.equal(d!.message, 'unbounded retry loop: `a` —noInput→ `a`; only failures lead around it, so a silent caller would loop forever');
    assert.deepEqual([d!.line, d!.column], [4, line.indexOf('noInput: a') + 10]);

    const longer = flowWith(`  a: { type: gather, prompt: x, into: n, maxDigits: 4, on: { done: b, noInput: h, invalid: b } }
  h:
    type: group
    start: h1
    on: { error: a }
    steps:
      h1: { type: http, url: u, on: { done: b } }
  b: { type: hangup }
`);
    const [l] = withCode(check(longer), 'retry-loop');
    assert.match(l!.message, /`a` —noInput→ `h1` —error→ `a`/);

    const broken = flowWith('  a: { type: menu, prompt: x, options: { "1": b }, on: { noInput: s, noMatch: b } }\n  s: { type: play, prompt: sorry, on: { done: a } }\n  b: { type: hangup }\n');
    assert.equal(withCode(check(broken), 'retry-loop').length, 0);
  });
});
