import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateCondition } from '../../src/core/eval/condition.ts';
import { evaluateHours, expandDays } from '../../src/core/eval/hours.ts';
import { resolvePrompt } from '../../src/core/eval/prompt.ts';
import { renderTemplate, renderValue, type TemplateScope } from '../../src/core/eval/template.ts';

const scope: TemplateScope = {
  vars: { order: { id: 123456, status: 'shipped' }, tier: 'gold', count: 3, vip: true },
  call: { id: 'c1', from: '+15551230000', to: '+18005550100' },
  settings: { crm_url: 'http://crm' },
};

describe('templates', () => {
  it('renders paths, settings and call fields; missing values are empty', () => {
    assert.equal(renderTemplate('${settings.crm_url}/orders/${vars.order.id}?from=${call.from}${vars.nope}', scope), 'http://crm/orders/123456?from=+15551230000');
  });
  it('keeps the type of a whole-value placeholder', () => {
    assert.equal(renderValue('${vars.count}', scope), 3);
    assert.deepEqual(renderValue({ a: ['${vars.tier}', 'x ${vars.count}'] }, scope), { a: ['gold', 'x 3'] });
  });
  it('does not reach prototype properties', () => {
    assert.equal(renderTemplate('${vars.constructor}${vars.__proto__}', scope), '');
  });
});

describe('conditions', () => {
  it('compares variables and templates with every operator', () => {
    assert.ok(evaluateCondition({ var: 'tier', eq: 'gold' }, scope));
    assert.ok(evaluateCondition({ var: 'count', eq: 3 }, scope));
    assert.ok(evaluateCondition({ var: 'count', gt: 2 }, scope));
    assert.ok(!evaluateCondition({ var: 'count', lt: 3 }, scope));
    assert.ok(evaluateCondition({ var: 'tier', in: ['gold', 'silver'] }, scope));
    assert.ok(evaluateCondition({ value: '${call.to}', matches: '^\\+1800' }, scope));
    assert.ok(evaluateCondition({ var: 'missing', exists: false }, scope));
    assert.ok(evaluateCondition({ var: 'vip', eq: true }, scope));
    assert.ok(evaluateCondition({ var: 'tier', ne: 'basic' }, scope));
  });
  it('combines with all, any and not', () => {
    assert.ok(evaluateCondition({ all: [{ var: 'tier', eq: 'gold' }, { not: { var: 'count', gte: 4 } }] }, scope));
    assert.ok(!evaluateCondition({ any: [{ var: 'tier', eq: 'x' }, { var: 'count', lte: 1 }] }, scope));
  });
});

describe('business hours', () => {
  const spec = { timezone: 'America/New_York', weekly: { 'mon-fri': '08:00-20:00', sat: '10:00-14:00' }, holidays: ['2026-11-26', { date: '2026-12-25', name: 'Christmas' }] };
  it('is open on a weekday inside the hours in the flow time zone', () => {
    assert.equal(evaluateHours(spec, Date.parse('2026-11-23T13:00:00Z')), 'open'); // Mon 08:00 EST
    assert.equal(evaluateHours(spec, Date.parse('2026-11-23T12:59:00Z')), 'closed'); // Mon 07:59 EST
    assert.equal(evaluateHours(spec, Date.parse('2026-11-24T01:00:00Z')), 'closed'); // Mon 20:00 EST
    assert.equal(evaluateHours(spec, Date.parse('2026-11-28T16:00:00Z')), 'open'); // Sat 11:00
    assert.equal(evaluateHours(spec, Date.parse('2026-11-29T16:00:00Z')), 'closed'); // Sun
  });
  it('follows daylight saving time', () => {
    assert.equal(evaluateHours(spec, Date.parse('2026-07-06T12:30:00Z')), 'open'); // Mon 08:30 EDT
    assert.equal(evaluateHours(spec, Date.parse('2026-01-05T12:30:00Z')), 'closed'); // Mon 07:30 EST
  });
  it('reports holidays by local date, even inside opening hours', () => {
    assert.equal(evaluateHours(spec, Date.parse('2026-11-26T15:00:00Z')), 'holiday');
    assert.equal(evaluateHours(spec, Date.parse('2026-12-26T03:00:00Z')), 'holiday'); // still Dec 25 in New York
  });
  it('handles ranges past midnight', () => {
    const night = { timezone: 'UTC', weekly: { fri: '22:00-02:00' } };
    assert.equal(evaluateHours(night, Date.parse('2026-11-27T23:00:00Z')), 'open');
    assert.equal(evaluateHours(night, Date.parse('2026-11-28T01:00:00Z')), 'open');
    assert.equal(evaluateHours(night, Date.parse('2026-11-28T03:00:00Z')), 'closed');
  });
  it('expands day spans, wrapping the week', () => {
    assert.deepEqual(expandDays('fri-mon'), ['fri', 'sat', 'sun', 'mon']);
    assert.throws(() => expandDays('funday'), /unknown day/);
  });
});

describe('prompts', () => {
  it('turns items into port media and keeps only digits in read-outs', () => {
    assert.deepEqual(resolvePrompt(['welcome', { say: 'Order ${vars.order.status}' }, { digits: '${vars.order.id}; rm -rf' }, { number: '${vars.count}' }, { tone: 'beep' }], scope), [
      { kind: 'sound', name: 'welcome' },
      { kind: 'text', text: 'Order shipped' },
      { kind: 'digits', value: '123456' },
      { kind: 'number', value: 3 },
      { kind: 'tone', name: 'beep' },
    ]);
  });
});
