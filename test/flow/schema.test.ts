import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic } from '../../src/core/flow/diagnostics.ts';
import { flowSchema } from '../../src/core/flow/schema-validate.ts';
import { STEP_EVENTS } from '../../src/core/flow/types.ts';
import { flowWith, mustFail, mustParse, SUPPORT_FLOW, TROUBLESHOOT_FLOW, withCode } from './fixtures.ts';

describe('flow schema', () => {
  it('accepts a full realistic flow using every step kind', () => {
    const flow = mustParse(SUPPORT_FLOW);
    const kinds = new Set<string>();
    const walk = (steps: Record<string, { type: string; steps?: Record<string, never> }>) => {
      for (const s of Object.values(steps)) {
        kinds.add(s.type);
        if (s.steps) walk(s.steps);
      }
    };
    walk(flow.doc.steps as never);
    kinds.add(mustParse(TROUBLESHOOT_FLOW).doc.steps['fixed']!.type);
    assert.deepEqual([...kinds].sort(), Object.keys(STEP_EVENTS).sort());
  });

  it('has one step definition per kind in STEP_EVENTS (schema and types agree)', () => {
    const defs = Object.keys(flowSchema.definitions as object).filter((k) => k.endsWith('Step'));
    assert.deepEqual(defs.map((d) => d.slice(0, -4)).sort(), Object.keys(STEP_EVENTS).sort());
  });

  const minimal: Record<string, string> = {
    play: '{ type: play, prompt: x, on: { done: z } }',
    menu: '{ type: menu, prompt: x, options: { "1": z } }',
    gather: '{ type: gather, prompt: x, into: pin, maxDigits: 4 }',
    branch: '{ type: branch, cases: [ { when: { var: a, eq: 1 }, goto: z } ] }',
    hours: '{ type: hours, timezone: UTC, weekly: { mon: "09:00-17:00" } }',
    http: '{ type: http, url: "http://127.0.0.1/x" }',
    set: '{ type: set, vars: { a: 1 } }',
    transfer: '{ type: transfer, to: "100" }',
    queue: '{ type: queue, queue: sales }',
    voicemail: '{ type: voicemail }',
    subflow: '{ type: subflow, flow: other }',
    return: '{ type: return }',
    hangup: '{ type: hangup }',
    group: '{ type: group, start: z, steps: { z: { type: hangup } } }',
    callback: '{ type: callback, action: pending }',
  };
  for (const [kind, yaml] of Object.entries(minimal)) {
    it(`accepts a minimal ${kind} step and rejects an unknown field on it`, () => {
      mustParse(flowWith(`  a: ${yaml}\n  z: { type: hangup }\n`));
      const bad = yaml.replace(/ }$/, ', colour: red }');
      const [d, ...rest] = mustFail(flowWith(`  a: ${bad}\n  z: { type: hangup }\n`));
      assert.equal(rest.length, 0);
      assert.equal(d!.code, 'unknown-field');
      assert.equal(d!.line, 4);
      assert.equal(d!.column, bad.indexOf('colour') + 6);
    });
  }

  it('reports a misspelt field with a suggestion at its key', () => {
    const text = flowWith(`  a:
    type: play
    prompt: hello
    bargein: true
    on: { done: a }
`);
    const [d] = mustFail(text, 'flows/support.yaml');
    assert.equal(
      formatDiagnostic(d!),
      'flows/support.yaml:7:5: error: unknown field `bargein` in step `a` — did you mean `bargeIn`?',
    );
  });

  it('says which kind a misplaced field belongs to', () => {
    const [d] = mustFail(flowWith('  a: { type: play, prompt: x, options: { "1": a } }\n'));
    assert.match(d!.hint!, /`options` belongs to `menu` steps/);
  });

  it('explains numeric limits in words', () => {
    const [d] = mustFail(flowWith('  a: { type: menu, prompt: x, options: { "1": a }, retries: 11 }\n'));
    assert.equal(d!.message, '`retries` in step `a` must be a whole number from 0 to 10');
    const [e] = mustFail(flowWith('  a: { type: menu, prompt: x, options: { "1": a }, retries: 1.5 }\n'));
    assert.equal(e!.message, '`retries` in step `a` must be a whole number from 0 to 10');
  });

  it('rejects malformed durations', () => {
    const line = '  a: { type: menu, prompt: x, options: { "1": a }, timeout: 5 seconds }';
    const [d] = mustFail(flowWith(`${line}\n`));
    assert.match(d!.message, /^`timeout` in step `a` must be a duration/);
    assert.deepEqual([d!.line, d!.column], [4, line.indexOf('5 seconds') + 1]);
    mustParse(flowWith('  a: { type: menu, prompt: x, options: { "1": a }, timeout: 500ms }\n'));
    mustFail(flowWith('  a: { type: menu, prompt: x, options: { "1": a }, timeout: -1 }\n'));
  });

  it('reports an unknown step type with a suggestion', () => {
    const [d] = mustFail(flowWith('  a:\n    type: plya\n    prompt: x\n'));
    assert.equal(d!.code, 'unknown-step-type');
    assert.equal(d!.message, 'unknown step type `plya` in step `a`');
    assert.equal(d!.hint, 'did you mean `play`?');
    assert.deepEqual([d!.line, d!.column], [5, 11]);
  });

  it('reports a missing required field at the step key', () => {
    const [d] = mustFail(flowWith('  a: { type: gather, prompt: x, into: pin }\n'));
    assert.equal(d!.message, 'step `a` (gather) is missing `maxDigits`');
    assert.deepEqual([d!.line, d!.column], [4, 3]);
  });

  it('requires exactly one subject and one operator in a condition', () => {
    const cases: Array<[string, RegExp]> = [
      ['{ var: a, eq: 1, ne: 2 }', /several operators \(`eq`, `ne`\)/],
      ['{ var: a }', /has no operator/],
      ['{ eq: 1 }', /has `eq` but no subject/],
      ['{ var: a, value: b, eq: 1 }', /two subjects/],
      ['{ all: [ { var: a, eq: 1 } ], var: b }', /must stand alone/],
      ['{ any: [ { var: a, eq: 1 }, { var: b, lt: 1, gt: 0 } ] }', /`cases\[0\]\.when\.any\[1\]`.*several operators/],
    ];
    for (const [cond, pattern] of cases) {
      const ds = mustFail(flowWith(`  a: { type: branch, cases: [ { when: ${cond}, goto: a } ], on: { otherwise: a } }\n`));
      assert.equal(ds.length, 1, `${cond}: ${ds.map((d) => d.message).join(' | ')}`);
      assert.equal(ds[0]!.code, 'invalid-condition');
      assert.match(ds[0]!.message, pattern);
    }
    const ds = mustFail(flowWith('  a: { type: branch, cases: [ { when: { var: a, eqq: 1 }, goto: a } ] }\n'));
    assert.ok(ds.some((d) => d.code === 'unknown-field' && d.hint === 'did you mean `eq`?'));
  });

  it('validates prompt items', () => {
    const mixed = mustFail(flowWith('  a: { type: play, prompt: [ { say: hi, sound: x } ], on: { done: a } }\n'));
    assert.equal(mixed.length, 1);
    assert.match(mixed[0]!.message, /`prompt\[0\]` in step `a` mixes `say` and `sound`/);
    const voice = mustFail(flowWith('  a: { type: play, prompt: { sound: x, voice: v }, on: { done: a } }\n'));
    assert.ok(voice.some((d) => /has `voice` without `say`/.test(d.message)));
    const typo = mustFail(flowWith('  a: { type: play, prompt: { say: hi, voise: v }, on: { done: a } }\n'));
    assert.equal(typo[0]!.hint, 'did you mean `voice`?');
    const tone = mustFail(flowWith('  a: { type: play, prompt: { tone: bep }, on: { done: a } }\n'));
    assert.equal(tone[0]!.hint, 'did you mean `beep`?');
    mustFail(flowWith('  a: { type: play, prompt: [], on: { done: a } }\n'));
  });

  it('asks for quotes around numbers written as numbers', () => {
    const [d] = mustFail('id: t\nnumbers: [100]\nstart: a\nsteps:\n  a: { type: hangup }\n');
    assert.equal(d!.code, 'wrong-type');
    assert.equal(d!.hint, 'quote it: "100"');
    assert.deepEqual([d!.line, d!.column], [2, 11]);
  });

  it('rejects unknown top-level fields, bad names and missing basics', () => {
    const [d] = mustFail('id: t\nstrat: a\nstart: a\nsteps:\n  a: { type: hangup }\n');
    assert.equal(d!.message, 'unknown field `strat`');
    assert.equal(d!.hint, 'did you mean `start`?');
    const names = mustFail('id: t\nstart: a\nvars: { "bad-name": 1 }\nsteps:\n  a: { type: hangup }\n');
    assert.equal(names.length, 1);
    assert.equal(names[0]!.code, 'invalid-name');
    const missing = mustFail('name: x\n');
    assert.deepEqual(withCode(missing, 'missing-field').map((x) => x.message).sort(), [
      'the flow is missing `id`',
      'the flow is missing `start`',
      'the flow is missing `steps`',
    ]);
  });

  it('validates nested group steps', () => {
    const ds = mustFail(flowWith(`  g:
    type: group
    start: b
    steps:
      b:
        type: group
        start: c
        steps:
          c: { type: hangup, cuase: normal }
`));
    assert.equal(ds.length, 1);
    assert.equal(ds[0]!.message, 'unknown field `cuase` in step `c`');
    assert.deepEqual([ds[0]!.line, ds[0]!.column], [12, 30]);
  });
});
