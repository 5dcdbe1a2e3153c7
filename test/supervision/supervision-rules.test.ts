import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SUPERVISOR_ENDPOINT, deniedReason } from '../../src/core/supervision/supervision-rules.ts';
import type { Principal } from '../../src/ports/audit.ts';

describe('supervision rules', () => {
  it('accepts only plain SIP, IAX2, FreeSWITCH user and simulated endpoints', () => {
    for (const ok of ['PJSIP/300', 'SIP/sue@pbx.example', 'IAX2/peer-1', 'user/1001', 'user/sue@example.com', 'sim:sup1']) assert.ok(SUPERVISOR_ENDPOINT.test(ok), ok);
    for (const bad of ['PJSIP/', 'PJSIP/300&PJSIP/301', 'PJSIP/300,30', 'Local/300@hotline', 'DAHDI/1', 'sim:a b', 'sim:x@y', 'user/a;b', `PJSIP/${'a'.repeat(65)}`, '+15551234567', 'pjsip/300', 'PJSIP/300\n'])
      assert.ok(!SUPERVISOR_ENDPOINT.test(bad), bad);
  });

  it('admins supervise any queue, supervisors their own queues, agents none', () => {
    const table: Array<[Principal, string | undefined, boolean]> = [
      [{ name: 'admin', role: 'admin', queues: '*' }, 'billing', true],
      [{ name: 'admin', role: 'admin', queues: '*' }, undefined, true],
      [{ name: 'sue', role: 'supervisor', queues: ['billing'] }, 'billing', true],
      [{ name: 'sue', role: 'supervisor', queues: ['billing'] }, 'support', false],
      [{ name: 'sue', role: 'supervisor', queues: ['billing'] }, undefined, false],
      [{ name: 'max', role: 'supervisor', queues: '*' }, 'support', true],
      [{ name: 'al', role: 'agent', queues: '*', agentId: 'al' }, 'billing', false],
    ];
    for (const [principal, queue, allowed] of table) assert.equal(deniedReason(principal, queue) === undefined, allowed, `${principal.name} ${queue}`);
    assert.equal(deniedReason({ name: 'sue', role: 'supervisor', queues: ['billing'] }, 'support'), 'queue `support` is not assigned to sue');
  });
});
