/**
 * ACD routing on a real Redis: loads waiting callers across two queues with mixed priorities
 * and logged-in agents who are busy at start, then frees agents one by one and times each
 * routing decision (`routeAgent`), followed by the answer and the end of the call. Prints
 * decisions per second and p50/p99 latencies. Target: p99 < 10 ms and ≥ 1,000 decisions/s.
 *
 *   node --import tsx bench/acd-routing.ts [--callers 10000 --agents 2000 --workers 8]
 *
 * Starts its own redis-server on a free loopback port (needs `redis-server` installed).
 */
import { performance } from 'node:perf_hooks';
import { createRedisConnection } from '../src/adapters/redis/redis-client.ts';
import { RedisAcdStore } from '../src/adapters/redis/redis-acd-store.ts';
import { startRedis } from '../test/support/redis-server.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLERS = arg('callers', 10_000);
const AGENTS = arg('agents', 2_000);
const WORKERS = arg('workers', 8);
const T0 = Date.parse('2026-11-23T15:00:00Z');

const redis = await startRedis();
const conn = await createRedisConnection(redis.url);
const acd = new RedisAcdStore(conn, { closeConnection: true });

/** Runs `fn` over `items` with at most `width` in flight (pipelined on one connection). */
async function inBatches<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map((item, j) => fn(item, i + j)));
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

try {
  await acd.init();
  await acd.setQueues([
    { name: 'sales', strategy: 'longest-idle', skills: { sales: 3 }, ringTimeoutMs: 20_000, serviceLevelMs: 20_000 },
    { name: 'support', strategy: 'best-skill-match', skills: { support: 2 }, ringTimeoutMs: 20_000, serviceLevelMs: 30_000 },
  ]);
  const loadStart = performance.now();
  const agentIds = Array.from({ length: AGENTS }, (_, i) => `agent-${i}`);
  await inBatches(agentIds, 200, async (id, i) => {
    // a third serve each queue only, a third both
    const skills: Record<string, number> = i % 3 === 0 ? { sales: 5 } : i % 3 === 1 ? { support: 1 + (i % 9) + 1 } : { sales: 4, support: 6 };
    await acd.login({ id, endpoint: `sim:${id}`, skills, queues: null }, T0);
    await acd.setAgentState(id, 'paused', 'busy', T0);
  });
  const callIds = Array.from({ length: CALLERS }, (_, i) => `call-${i}`);
  await inBatches(callIds, 500, (callId, i) =>
    acd.enqueue({ callId, queue: i % 2 ? 'sales' : 'support', priority: [0, 0, 0, 1, 5, 10][i % 6]!, node: `node-${i % 4}` }, T0 + i),
  );
  const loadMs = performance.now() - loadStart;

  const decide: number[] = [];
  const answer: number[] = [];
  const finish: number[] = [];
  let now = T0 + CALLERS + 1000;
  let next = 0;
  let idle = 0;
  const runStart = performance.now();
  // Each worker frees an agent, routes it, answers and completes the call; workers run concurrently.
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (idle < AGENTS) {
        const id = agentIds[next++ % AGENTS]!;
        const at = ++now;
        const agent = await acd.getAgent(id);
        if (agent?.state === 'paused') await acd.setAgentState(id, 'available', undefined, at);
        let t = performance.now();
        const offer = await acd.routeAgent(id, at);
        decide.push(performance.now() - t);
        if (!offer) {
          idle++;
          continue;
        }
        idle = 0;
        t = performance.now();
        await acd.offerAnswered(offer.offerId, id, at + 1);
        answer.push(performance.now() - t);
        t = performance.now();
        await acd.leave(offer.callId, 'completed', at + 2, 0);
        finish.push(performance.now() - t);
      }
    }),
  );
  const runMs = performance.now() - runStart;
  const left = (await acd.queueSnapshot('sales')).callers.length + (await acd.queueSnapshot('support')).callers.length;
  for (const list of [decide, answer, finish]) list.sort((a, b) => a - b);
  const decideMs = decide.reduce((a, b) => a + b, 0);
  const routed = answer.length;

  console.log(`acd routing on redis: ${CALLERS} callers in 2 queues, ${AGENTS} agents, ${WORKERS} workers`);
  console.log(`  load: ${loadMs.toFixed(0)} ms`);
  console.log(`  decisions: ${decide.length} (${routed} offers, ${left} callers left unrouted)`);
  console.log(`  decisions/s: ${((decide.length / runMs) * 1000).toFixed(0)} (each decision followed by its answer and completion; ${(decideMs / decide.length).toFixed(2)} ms mean per decision)`);
  console.log(`  routeAgent    p50 ${pct(decide, 50).toFixed(2)} ms  p99 ${pct(decide, 99).toFixed(2)} ms  max ${pct(decide, 100).toFixed(2)} ms`);
  console.log(`  offerAnswered p50 ${pct(answer, 50).toFixed(2)} ms  p99 ${pct(answer, 99).toFixed(2)} ms`);
  console.log(`  leave         p50 ${pct(finish, 50).toFixed(2)} ms  p99 ${pct(finish, 99).toFixed(2)} ms`);
} finally {
  await acd.close();
  await redis.stop();
}
