import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { callbackEvidence, type CallbackSeen } from '../support/callback-evidence.ts';
import {
  assertSurvivorLog,
  keepLogs,
  outputTails,
  scheduleBurst,
  startCrashNode,
  waitAllSettled,
  waitForQuietMidAttempt,
  writeCrashFlows,
  type CrashNode,
} from '../support/callback-crash-rig.ts';
import type { LogLine } from '../support/pino-lines.ts';
import { waitUntil } from '../support/processes.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';

/**
 * Issue 5's crash test, one node: 100 callbacks fall due within a few seconds, Hotline dials
 * them 20 at a time (each customer's phone rings 5 s, nobody answers), gets `kill -9` in the
 * middle, and a new process on the same Redis finishes the work once the dead node's leases run
 * out. Every callback is attempted exactly once: one `callback dialing` line over both logs,
 * one attempt on the API, `interrupted` only for the ones the killed process was dialling.
 */

const CALLBACKS = 100;
const CONCURRENCY = 20;
/** Kill once this many were dialled: two waves of 20 in, three to go. */
const KILL_AFTER = 40;

describe('callbacks survive kill -9 of their only node', () => {
  let redis: TestRedis;
  let flowsDir: string;
  const nodes: CrashNode[] = [];
  let passed = false;

  before(async () => {
    redis = await startRedis();
    flowsDir = writeCrashFlows();
  });

  after(async () => {
    for (const n of nodes) await n.proc.kill();
    if (!passed && nodes.length > 0) process.stdout.write(`# callback-crash: logs kept in ${keepLogs('hotline-cb-crash', nodes)}\n`);
    await redis?.stop();
    if (flowsDir) rmSync(flowsDir, { recursive: true, force: true });
  });

  it('attempts each of 100 callbacks exactly once across a kill -9 and a restart', async () => {
    const started = Date.now();
    const settings = { redisUrl: redis.url, flowsDir, concurrency: CONCURRENCY };
    const first = await startCrashNode('A', settings);
    nodes.push(first);
    const ids = await scheduleBurst([first], CALLBACKS, Date.now() + 2000, 1000);
    assert.equal(new Set(ids).size, CALLBACKS, 'distinct callbacks');

    await waitUntil(() => first.dialing().length >= KILL_AFTER, `${KILL_AFTER} callbacks dialled by A`, {
      timeoutMs: 30_000,
      pauseMs: 20,
      explain: () => outputTails(nodes),
    });
    await waitForQuietMidAttempt(first, 100, 15_000);
    const killedAt = Date.now();
    await first.proc.kill();
    const beforeKill = first.dialing().length;
    assert.ok(beforeKill < CALLBACKS, `the kill came mid-way (${beforeKill} dialled)`);

    const second = await startCrashNode('A2', settings);
    nodes.push(second);
    const seen = await waitAllSettled(second, ids, 45_000, () => outputTails(nodes));
    second.tail.take();

    const { violations, figures } = callbackEvidence(
      ids,
      [
        { node: 'A', lines: first.tail.all(), killed: true },
        { node: 'A2', lines: second.tail.all(), killed: false },
      ],
      seen,
      killedAt,
    );
    process.stdout.write(`# callback-crash: ${JSON.stringify({ wallMs: Date.now() - started, ...figures })}\n`);
    assert.deepEqual(violations, [], 'exactly-once evidence from both logs and the API');
    assertSurvivorLog(second.tail.all(), seen, killedAt);
    assert.equal(figures.dialledBeforeKill['A'], beforeKill);
    assert.ok(figures.interrupted >= 1, 'the kill interrupted attempts in flight');
    assert.ok(figures.dialledAfterKill >= 1, 'the restarted node dialled the rest');
    assert.equal(figures.dialledBeforeKill['A']! + figures.dialledAfterKill, CALLBACKS);
    passed = true;
  });
});

describe('callbackEvidence: the checker of the crash tests fails on broken runs', () => {
  const dialing = (node: string, seq: number, time: number, callbackId: string, attempt = 1): LogLine => ({
    node, seq, time, level: 'info', msg: 'callback dialing', callbackId, attempt,
  });
  const cb = (id: string, outcome: string | null, state: string, n = 1): CallbackSeen => ({ id, state, outcome: null, attempts: [{ n, outcome }] });

  it('accepts a clean run and counts where the work was done', () => {
    const a = [dialing('A', 0, 1000, 'c1'), dialing('A', 1, 1100, 'c2')];
    const b = [dialing('B', 0, 3000, 'c3')];
    const { violations, figures } = callbackEvidence(
      ['c1', 'c2', 'c3'],
      [{ node: 'A', lines: a, killed: true }, { node: 'B', lines: b, killed: false }],
      [cb('c1', 'no-answer', 'no-answer'), cb('c2', 'interrupted', 'failed'), cb('c3', 'no-answer', 'no-answer')],
      2000,
    );
    assert.deepEqual(violations, []);
    assert.deepEqual(figures, { dialledBeforeKill: { A: 2, B: 0 }, dialledAfterKill: 1, interrupted: 1, noAnswer: 2 });
  });

  it('flags a callback dialled twice, one never dialled, and a retry', () => {
    const a = [dialing('A', 0, 1000, 'c1')];
    const b = [dialing('B', 0, 3000, 'c1'), dialing('B', 1, 3100, 'c3', 2)];
    const { violations } = callbackEvidence(
      ['c1', 'c2', 'c3'],
      [{ node: 'A', lines: a, killed: true }, { node: 'B', lines: b, killed: false }],
      [cb('c1', 'no-answer', 'no-answer'), cb('c2', 'no-answer', 'no-answer'), cb('c3', 'no-answer', 'no-answer')],
      2000,
    );
    assert.deepEqual(violations, [
      'B dialled attempt 2 of c3; only attempt 1 is allowed',
      'callback c1 was dialled 2 times (A, B)',
      'callback c2 was never dialled',
    ]);
  });

  it('flags a lost callback, a second attempt, and an interruption no killed node explains', () => {
    const a = [dialing('A', 0, 1000, 'c1')];
    const b = [dialing('B', 0, 3000, 'c2'), dialing('B', 1, 3100, 'c3')];
    const twoAttempts: CallbackSeen = { id: 'c3', state: 'no-answer', outcome: 'no-answer', attempts: [{ n: 1, outcome: 'interrupted' }, { n: 2, outcome: 'no-answer' }] };
    const { violations } = callbackEvidence(
      ['c1', 'c2', 'c3'],
      [{ node: 'A', lines: a, killed: true }, { node: 'B', lines: b, killed: false }],
      [cb('c2', 'interrupted', 'failed'), twoAttempts],
      2000,
    );
    assert.deepEqual(violations, [
      'callback c1 is missing from the API',
      'callback c2 is interrupted but no killed node dialled it (dialled by: B)',
      'callback c3 shows attempts [1:interrupted,2:no-answer]; exactly attempt 1 was expected',
    ]);
  });
});
