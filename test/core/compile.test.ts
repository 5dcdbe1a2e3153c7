import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFlow } from '../../src/core/flow/compile.ts';
import { toMermaid, toStatelyJson } from '../../src/core/flow/graph-export.ts';
import type { FlowDocument } from '../../src/core/flow/types.ts';
import { isHotlineError } from '../../src/core/errors.ts';

const doc: FlowDocument = {
  id: 'line',
  numbers: ['100'],
  start: 'welcome',
  steps: {
    welcome: { type: 'play', prompt: 'welcome', on: { done: 'selfservice' } },
    selfservice: {
      type: 'group',
      start: 'ask',
      on: { error: 'sorry' },
      steps: {
        ask: { type: 'gather', prompt: 'enter', into: 'n', maxDigits: 6, on: { done: 'lookup', noInput: 'sorry', invalid: 'sorry' } },
        lookup: { type: 'http', url: 'http://crm/${vars.n}', on: { done: 'orders' } },
        orders: { type: 'subflow', flow: 'sub', on: { done: 'bye' } },
      },
    },
    sorry: { type: 'play', prompt: { say: 'sorry' }, on: { done: 'bye' } },
    bye: { type: 'hangup' },
  },
};
const sub: FlowDocument = { id: 'sub', start: 'x', steps: { x: { type: 'http', url: 'http://x', on: { done: 'r' } }, r: { type: 'return' } } };
const lookup = (id: string) => (id === 'sub' ? { doc: sub, file: 'sub.yaml', version: 'vs' } : undefined);

describe('compileFlow', () => {
  const compiled = compileFlow({ doc, file: 'line.yaml', version: 'v1' }, lookup);

  it('produces a config of plain data naming catalog actions and guards', () => {
    const json = JSON.parse(JSON.stringify(compiled.config));
    assert.deepEqual(json, compiled.config, 'no functions or classes in the config');
    const text = JSON.stringify(compiled.config);
    assert.match(text, /"type":"play"/);
    assert.match(text, /"guard":"isCurrentPlayback"/);
  });

  it('resolves unhandled events through the enclosing group and into the calling flow', () => {
    const states = (compiled.config as any).states.flow.states;
    assert.equal(states.selfservice.states.lookup.on['http.error'].target, '#sorry', 'group on.error handles the http error');
    const inner = states.selfservice.states.orders.states.x;
    assert.equal(inner.on['http.error'].target, '#sorry', 'sub-flow error bubbles to the calling step and its group');
    assert.equal(states.selfservice.states.orders.states.r.always.target, '#bye');
  });

  it('pins sub-flow versions into its own version and lists step kinds', () => {
    assert.notEqual(compiled.version, 'v1');
    assert.equal(compileFlow({ doc, file: 'line.yaml', version: 'v1' }, lookup).version, compiled.version, 'deterministic');
    assert.notEqual(compileFlow({ doc, file: 'line.yaml', version: 'v1' }, () => ({ doc: sub, file: 'sub.yaml', version: 'other' })).version, compiled.version);
    assert.equal(compiled.stepKinds['orders/x'], 'http');
    assert.deepEqual(compiled.sensitiveSteps, []);
  });

  it('refuses unknown targets, unhandled events and sub-flow recursion with coded errors', () => {
    const bad = (d: FlowDocument, l = lookup) => {
      try {
        compileFlow({ doc: d, file: 'bad.yaml', version: 'b' }, l);
        return undefined;
      } catch (err) {
        assert.ok(isHotlineError(err, 'HOTLINE_ERR_FLOW_INVALID'));
        return err.message;
      }
    };
    assert.match(bad({ id: 'b', start: 'a', steps: { a: { type: 'play', prompt: 'x', on: { done: 'nowhere' } } } })!, /unknown step `nowhere`/);
    assert.match(bad({ id: 'b', start: 'a', steps: { a: { type: 'play', prompt: 'x' } } })!, /does not handle `done`/);
    const loop: FlowDocument = { id: 'loop', start: 's', steps: { s: { type: 'subflow', flow: 'loop', on: { done: 's' } } } };
    assert.match(bad(loop, () => ({ doc: loop, file: 'loop.yaml', version: 'l' }))!, /recursion/);
  });

  it('exports Stately JSON and a Mermaid diagram', () => {
    const json = toStatelyJson(compiled) as any;
    assert.equal(json.id, 'line');
    assert.ok(json.states.flow.states.welcome);
    const mermaid = toMermaid(compiled);
    assert.match(mermaid, /^stateDiagram-v2/);
    assert.match(mermaid, /flow_welcome --> flow_selfservice : prompt\.done \[isCurrentPlayback\]/);
    assert.match(mermaid, /state "selfservice" as flow_selfservice \{/);
  });
});
