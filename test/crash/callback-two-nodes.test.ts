import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { callbackEvidence } from '../support/callback-evidence.ts';
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
import { waitUntil } from '../support/processes.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';

/**
 * Issue 5's crash test, two nodes: two `hotline serve` share one Redis and the work of 100
 * callbacks due within a few seconds, 20 at a time each (each customer's phone rings 5 s, nobody
 * answers). Node B gets `kill -9` while both are dialling; A takes over B's jobs once their
 * leases run out. Every callback is attempted exactly once over both logs, and the ones B was
 * dialling end `interrupted`, never rung again.
 */

const CALLBACKS = 100;
const CONCURRENCY = 20;
/** Kill B once this many were dialled over both nodes: the first wave done, the second ringing. */
const KILL_AFTER = 50;

describe('callbacks on two nodes survive kill -9 of one of them', () => {
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
    if (!passed && nodes.length > 0) process.stdout.write(`# callback-two-nodes: logs kept in ${keepLogs('hotline-cb-two', nodes)}\n`);
    await redis?.stop();
    if (flowsDir) rmSync(flowsDir, { recursive: true, force: true });
  });

  it('attempts each of 100 callbacks exactly once while one of two nodes dies', async () => {
    const started = Date.now();
    const settings = { redisUrl: redis.url, flowsDir, concurrency: CONCURRENCY };
    const [a, b] = await Promise.all([startCrashNode('A', settings), startCrashNode('B', settings)]);
    nodes.push(a, b);
    const ids = await scheduleBurst([a, b], CALLBACKS, Date.now() + 2000, 1000);
    assert.equal(new Set(ids).size, CALLBACKS, 'distinct callbacks');

    await waitUntil(
      () => {
        const dialledA = a.dialing().length;
        const dialledB = b.dialing().length;
        return dialledA > 0 && dialledB > 0 && dialledA + dialledB >= KILL_AFTER;
      },
      `${KILL_AFTER} callbacks dialled over both nodes, some by each`,
      { timeoutMs: 30_000, pauseMs: 20, explain: () => outputTails(nodes) },
    );
    await waitForQuietMidAttempt(b, 100, 15_000);
    const killedAt = Date.now();
    await b.proc.kill();
    const beforeKill = { A: a.dialing().filter((l) => l.time <= killedAt).length, B: b.dialing().length };
    assert.ok(beforeKill.A + beforeKill.B < CALLBACKS, `the kill came mid-way (${JSON.stringify(beforeKill)} dialled)`);

    const seen = await waitAllSettled(a, ids, 45_000, () => outputTails(nodes));
    a.tail.take();

    const { violations, figures } = callbackEvidence(
      ids,
      [
        { node: 'A', lines: a.tail.all(), killed: false },
        { node: 'B', lines: b.tail.all(), killed: true },
      ],
      seen,
      killedAt,
    );
    process.stdout.write(`# callback-two-nodes: ${JSON.stringify({ wallMs: Date.now() - started, ...figures })}\n`);
    assert.deepEqual(violations, [], 'exactly-once evidence from both logs and the API');
    assertSurvivorLog(a.tail.all(), seen, killedAt);
    assert.deepEqual(figures.dialledBeforeKill, beforeKill);
    assert.ok(figures.dialledBeforeKill['A']! > 0 && figures.dialledBeforeKill['B']! > 0, 'both nodes did some of the work before the kill');
    assert.ok(figures.interrupted >= 1, 'the kill interrupted attempts in flight');
    assert.ok(figures.dialledAfterKill >= 1, 'the survivor dialled the rest');
    assert.equal(figures.dialledBeforeKill['A']! + figures.dialledBeforeKill['B']! + figures.dialledAfterKill, CALLBACKS);
    passed = true;
  });
});
