import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHotlineError } from '../../src/core/errors.ts';
import { createCheckContext } from '../../src/core/flow/checks/context.ts';
import { formatDiagnostic } from '../../src/core/flow/diagnostics.ts';
import type { Diagnostic } from '../../src/core/flow/diagnostics.ts';
import { validateFlows } from '../../src/core/flow/validate.ts';
import type { ValidateOptions } from '../../src/core/flow/validate.ts';
import { fakeSounds, flowWith, mustParse, withCode } from './fixtures.ts';

function check(texts: string | string[], options: ValidateOptions = {}): Diagnostic[] {
  const list = Array.isArray(texts) ? texts : [texts];
  return validateFlows(list.map((t, i) => mustParse(t, `flows/f${i}.yaml`)), options);
}

const BYE = '  bye: { type: hangup }\n';

describe('static checks: fields and cross-flow rules', () => {
  it('unknown sounds (bare names and {sound}) when a library is given', () => {
    const text = flowWith(`  a:
    type: menu
    prompt: [welcom, { sound: main-menu }, { say: "hi" }]
    noInputPrompt: { sound: no-inptu }
    options: { "1": bye }
    on: { noInput: bye, noMatch: bye }
${BYE}`);
    const ds = withCode(check(text, { sounds: fakeSounds() }), 'unknown-sound');
    assert.deepEqual(ds.map(formatDiagnostic), [
      'flows/f0.yaml:6:14: error: unknown sound `welcom` in step `a` — did you mean `welcome`?',
      'flows/f0.yaml:7:29: error: unknown sound `no-inptu` in step `a` — did you mean `no-input`?',
    ]);
    assert.equal(withCode(check(text), 'unknown-sound').length, 0, 'no library, no check');
  });

  it('unknown subflows and subflow recursion across the set', () => {
    const main = flowWith(`  a: { type: subflow, flow: helpr, on: { done: b } }\n  b: { type: subflow, flow: helper, on: { done: bye } }\n${BYE}`, 'id: main\nstart: a\n');
    const helper = flowWith('  h: { type: subflow, flow: main, on: { done: r } }\n  r: { type: return }\n', 'id: helper\nstart: h\n');
    const ds = check([main, helper]);
    const [unknown] = withCode(ds, 'unknown-subflow');
    assert.equal(formatDiagnostic(unknown!), 'flows/f0.yaml:4:29: error: unknown flow `helpr` in subflow step `a` — did you mean `helper`?');
    const loops = withCode(ds, 'subflow-recursion');
    assert.deepEqual(loops.map((d) => [d.file, d.message]), [
      ['flows/f0.yaml', 'subflow recursion: `main` → `helper` → `main`'],
      ['flows/f1.yaml', 'subflow recursion: `helper` → `main` → `helper`'],
    ]);
    const selfLoop = flowWith('  a: { type: subflow, flow: t, on: { done: bye } }\n' + BYE);
    assert.equal(withCode(check(selfLoop), 'subflow-recursion')[0]!.message, 'subflow recursion: `t` → `t`');
    const fine = flowWith('  h: { type: return }\n', 'id: helper\nstart: h\n');
    assert.equal(check([main.replace('helpr', 'helper'), fine]).filter((d) => d.severity === 'error').length, 0);
  });

  it('a subflow step handles the outcomes the called flow returns', () => {
    const helper = flowWith('  m: { type: menu, prompt: x, options: { "1": agent, "2": back }, on: { noInput: done, noMatch: done } }\n  agent: { type: return, outcome: agent }\n  back: { type: return, outcome: menu }\n  done: { type: return }\n', 'id: helper\nstart: m\n');
    const main = (on: string) => flowWith(`  a: { type: subflow, flow: helper, on: { ${on} } }\n${BYE}`, 'id: main\nstart: a\n');
    assert.deepEqual(check([main('done: bye, agent: bye, menu: bye'), helper]), []);
    const missing = check([main('done: bye, agent: bye, menuu: bye'), helper]);
    assert.deepEqual(missing.map((d) => [d.code, d.hint ?? '']).sort(), [
      ['unhandled-event', 'add `on: { menu: <step> }` to the step or to an enclosing group'],
      ['unknown-event', 'did you mean `menu`?'],
    ]);
  });

  it('duplicate numbers and flow ids across flows: the first flow keeps them', () => {
    const one = flowWith(BYE, 'id: one\nnumbers: ["100", "200"]\nstart: bye\n');
    const two = flowWith(BYE, 'id: two\nnumbers: ["300", "200"]\nstart: bye\n');
    const [d] = withCode(check([one, two]), 'duplicate-number');
    assert.equal(formatDiagnostic(d!), 'flows/f1.yaml:2:18: error: number `200` is already answered by flow `one` (flows/f0.yaml) — each number may belong to one flow');
    assert.equal(withCode(check([one, two.replace('"200"', '"201"')]), 'duplicate-number').length, 0);
    const [id] = withCode(check([one, one.replace(/numbers.*\n/, '')]), 'duplicate-flow-id');
    assert.equal(id!.file, 'flows/f1.yaml');
  });

  it('menu keys are phone keys and the repeat key is not an option', () => {
    const text = flowWith(`  a:
    type: menu
    prompt: x
    options: { "1": bye, "12": bye, "a": bye }
    repeatKey: "1"
    on: { noInput: bye, noMatch: bye }
${BYE}`);
    const ds = check(text);
    assert.deepEqual(withCode(ds, 'invalid-menu-key').map((d) => [d.line, d.column]), [[7, 26], [7, 37]]);
    const [r] = withCode(ds, 'repeat-key-conflict');
    assert.equal(r!.message, 'repeatKey `1` of menu `a` is also an option');
    const ok = check(text.replace(', "12": bye, "a": bye', '').replace('repeatKey: "1"', 'repeatKey: "*"'));
    assert.deepEqual(ok, []);
    assert.equal(withCode(check(text.replace('repeatKey: "1"', 'repeatKey: "99"')), 'invalid-menu-key').length, 3);
  });

  it('gather: minDigits <= maxDigits and the pattern compiles', () => {
    const text = flowWith(`  a:
    type: gather
    prompt: x
    into: pin
    minDigits: 6
    maxDigits: 4
    pattern: "^[0-9+$"
    on: { done: bye, noInput: bye, invalid: bye }
${BYE}`);
    const ds = check(text);
    assert.deepEqual(withCode(ds, 'gather-digits').map((d) => [d.line, d.message]), [[8, 'gather `a` needs at least 6 digits but accepts at most 4']]);
    const [p] = withCode(ds, 'invalid-pattern');
    assert.equal(p!.line, 10);
    assert.match(p!.message, /not a valid regular expression/);
    assert.deepEqual(check(text.replace('minDigits: 6', 'minDigits: 4').replace('[0-9+', '[0-9]+')), []);
  });

  it('hours: time zone, weekday keys, ranges and holiday dates', () => {
    const text = flowWith(`  a:
    type: hours
    timezone: America/New_Yrok
    weekly: { mon-fri: "08:00-20:00", sun: ["18:00-09:00", "25:00-26:00"], wkd: "09:00-10:00" }
    holidays: ["2026-02-30", { date: "2026-13-01" }, "2026-12-25"]
    on: { open: bye, closed: bye }
${BYE}`);
    const ds = check(text);
    assert.equal(withCode(ds, 'invalid-timezone')[0]!.hint, 'did you mean `America/New_York`?');
    assert.deepEqual(withCode(ds, 'invalid-weekly').map((d) => [d.line, d.column]), [[7, 76]]);
    assert.deepEqual(withCode(ds, 'invalid-hours-range').map((d) => d.column), [45, 60]);
    assert.deepEqual(withCode(ds, 'invalid-holiday').map((d) => d.column), [16, 38]);
    const fixed = text
      .replace('New_Yrok', 'New_York')
      .replace('"18:00-09:00", "25:00-26:00"', '"18:00-24:00"')
      .replace('wkd', 'sat-sun')
      .replace('"2026-02-30", { date: "2026-13-01" }', '"2026-02-28", { date: "2026-12-01" }');
    assert.deepEqual(check(fixed), []);
  });

  it('branch: every `matches` compiles, at any depth', () => {
    const text = flowWith(`  a:
    type: branch
    cases:
      - when: { any: [ { var: x, eq: 1 }, { not: { value: "\${call.from}", matches: "(+1" } } ] }
        goto: bye
    on: { otherwise: bye }
${BYE}`);
    const [d] = withCode(check(text), 'invalid-regex');
    assert.equal(d!.line, 7);
    assert.equal(d!.column, 84);
    assert.deepEqual(check(text.replace('(+1', '^\\\\+1')), []);
  });

  it('literal transfer targets must pass the allowlist; templates are checked at run time', () => {
    const text = flowWith(`  a: { type: transfer, to: "+19005550100", on: { error: b } }
  b: { type: transfer, to: "\${vars.agent}", on: { error: c } }
  c: { type: transfer, to: "+18005550100", on: { error: bye } }
${BYE}`);
    const ds = withCode(check(text, { transferAllow: ['^\\+1800\\d{7}$'] }), 'transfer-denied');
    assert.deepEqual(ds.map((d) => [d.line, d.column]), [[4, 28]]);
    assert.equal(withCode(check(text), 'transfer-denied').length, 0, 'no allowlist, no check');
    assert.equal(withCode(check(text, { transferAllow: [] }), 'transfer-denied').length, 2);
    assert.throws(() => check(text, { transferAllow: ['('] }), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_CONFIG'));
  });

  it('queue names are checked when the queues are known', () => {
    const text = flowWith(`  a: { type: queue, queue: suport, on: { done: bye, timeout: bye } }\n${BYE}`);
    assert.equal(withCode(check(text, { knownQueues: ['support', 'sales'] }), 'unknown-queue')[0]!.hint, 'did you mean `support`?');
    assert.deepEqual(check(text, { knownQueues: ['suport'] }), []);
    assert.deepEqual(check(text), []);
  });
});
