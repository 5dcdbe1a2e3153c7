import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseFlowText, pointer } from '../../src/core/flow/loader.ts';
import { mustFail, mustParse, SUPPORT_FLOW } from './fixtures.ts';

describe('parseFlowText', () => {
  it('returns the document, its text and a 12-hex content version', () => {
    const flow = mustParse(SUPPORT_FLOW, 'flows/support.yaml');
    assert.equal(flow.doc.id, 'support-line');
    assert.equal(flow.file, 'flows/support.yaml');
    assert.equal(flow.text, SUPPORT_FLOW);
    assert.equal(flow.version, createHash('sha256').update(SUPPORT_FLOW).digest('hex').slice(0, 12));
    assert.match(flow.version, /^[0-9a-f]{12}$/);
    assert.notEqual(mustParse(SUPPORT_FLOW + '# changed\n').version, flow.version);
  });

  it('maps JSON pointers to 1-based line and column of values and keys', () => {
    const text = 'id: t\nstart: a\nsteps:\n  a:\n    type: play\n    prompt: [x, { say: hi }]\n    on: { done: a }\n';
    const flow = mustParse(text);
    assert.deepEqual(flow.position('/steps/a/on/done'), { line: 7, column: 17 });
    assert.deepEqual(flow.keyPosition('/steps/a/on/done'), { line: 7, column: 11 });
    assert.deepEqual(flow.position('/steps/a/prompt/1/say'), { line: 6, column: 24 });
    assert.deepEqual(flow.keyPosition('/steps/a'), { line: 4, column: 3 });
    assert.deepEqual(flow.position(''), { line: 1, column: 1 });
    assert.equal(flow.position('/steps/nope'), undefined);
    assert.equal(flow.position('/steps/a/prompt/7'), undefined);
  });

  it('resolves pointers through escaped segments and numeric keys', () => {
    const flow = mustParse('id: t\nstart: a\nsteps:\n  a:\n    type: menu\n    prompt: p\n    options:\n      1: h\n    on: { noInput: h, noMatch: h }\n  h:\n    type: http\n    url: u\n    headers: { "a/b~c": x }\n');
    assert.equal(pointer('steps', 'h', 'headers', 'a/b~c'), '/steps/h/headers/a~1b~0c');
    assert.deepEqual(flow.keyPosition(pointer('steps', 'h', 'headers', 'a/b~c')), { line: 13, column: 16 });
    assert.deepEqual(flow.position('/steps/a/options/1'), { line: 8, column: 10 });
  });

  it('reports YAML syntax errors with positions', () => {
    const [d] = mustFail('id: t\nsteps:\n  a: [1, 2\n  b: 3\n');
    assert.equal(d!.code, 'yaml-syntax');
    assert.equal(d!.line, 4);
    const [dup] = mustFail('id: t\nstart: a\nstart: b\n');
    assert.equal(dup!.message, 'duplicate key `start`');
    assert.deepEqual([dup!.line, dup!.column], [3, 1]);
    const [multi] = mustFail('id: a\n---\nid: b\n');
    assert.equal(multi!.message, 'a flow file holds one YAML document');
  });

  it('rejects an empty file and a non-mapping document', () => {
    assert.equal(mustFail('')[0]!.code, 'empty-file');
    assert.equal(mustFail('# only a comment\n')[0]!.code, 'empty-file');
    assert.equal(mustFail('- a\n')[0]!.message, 'the flow must be a mapping');
  });

  it('keeps YAML 1.2 semantics: `on` is a key, dates and times stay strings', () => {
    const r = parseFlowText(
      'id: t\nstart: a\nsteps:\n  a:\n    type: hours\n    timezone: UTC\n    weekly: { mon: 08:00-17:00 }\n    holidays: [2026-12-25]\n    on: { open: b, closed: b }\n  b: { type: hangup }\n',
      'f.yaml',
    );
    assert.ok(r.ok);
    const step = r.flow.doc.steps['a'];
    assert.equal(step?.type, 'hours');
    if (step?.type === 'hours') assert.deepEqual(step.holidays, ['2026-12-25']);
  });
});
