/**
 * Concurrent calls through the shipped sample flow on the simulated PBX: each call takes the
 * order-status path (menu → gather → CRM lookup → read-back) and hangs up. Prints calls per
 * second, p50/p99 of the time a session takes to react to a key press, and heap per live call.
 *
 *   npm run bench -- --calls 2000
 */
import { performance } from 'node:perf_hooks';
import { settle } from '../src/adapters/clock/manual-clock.ts';
import { FsSoundLibrary } from '../src/adapters/fs-sounds/fs-sound-library.ts';
import { MemorySessionStore } from '../src/adapters/memory/memory-session-store.ts';
import { SimTelephonyDriver } from '../src/adapters/sim/sim-driver.ts';
import type { SimLeg } from '../src/adapters/sim/sim-leg.ts';
import { CallService } from '../src/core/call/call-service.ts';
import { compileFlow } from '../src/core/flow/compile.ts';
import { FlowRegistry } from '../src/core/flow/registry.ts';
import { systemClock } from '../src/adapters/clock/system-clock.ts';
import { silentLogger } from '../src/ports/logger.ts';
import type { HttpClient } from '../src/ports/http-client.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLS = arg('calls', 1000);
const AT = Date.parse('2026-11-23T15:00:00Z'); // a Monday, open

const sounds = await FsSoundLibrary.load('sounds');
const registry = new FlowRegistry({ dir: 'flows', compile: compileFlow, sounds });
const loaded = await registry.load();
if (loaded.diagnostics.some((d) => d.severity === 'error')) throw new Error('shipped flows do not validate');
// The CRM answers in-process so the figures measure Hotline, not a network.
const http: HttpClient = { request: async (req) => ({ status: 200, body: { orderId: req.url.slice(-6), status: 'shipped', statusText: 'Your order has shipped.' } }) };
const driver = new SimTelephonyDriver({ sounds });
const store = new MemorySessionStore();
const calls = new CallService({ driver, flows: registry, store, clock: systemClock, http, logger: silentLogger, settings: { crm_url: 'http://crm' }, transferAllow: ['^\\d{3,4}$'], endedRetentionMs: 60_000 });
await driver.start(calls.handleIncoming);
let ended = 0;
calls.on((e) => {
  if (e.type === 'call.ended') ended++;
});

async function toInput(leg: SimLeg): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await settle();
    const s = calls.session(leg.id);
    if (!s || s.ended() || s.awaitingInput()) return;
    const next = leg.clock.nextDueAt();
    if (next !== undefined) await leg.clock.advanceTo(next);
  }
}

const reactions: number[] = [];
async function press(leg: SimLeg, digits: string): Promise<void> {
  const before = calls.session(leg.id)?.currentStep();
  const t0 = performance.now();
  await leg.pressDigits(digits);
  for (let i = 0; i < 50 && calls.session(leg.id)?.currentStep() === before; i++) await settle();
  reactions.push(performance.now() - t0);
}

global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
const legs: SimLeg[] = [];
for (let i = 0; i < CALLS; i++) legs.push(driver.placeCall({ to: '+18005550100', from: `+1555${String(i).padStart(7, '0')}`, at: AT }));
await Promise.all(legs.map((leg) => toInput(leg)));
global.gc?.();
const heapLive = process.memoryUsage().heapUsed;
await Promise.all(
  legs.map(async (leg, i) => {
    await press(leg, '3');
    await toInput(leg);
    await press(leg, `${100000 + i}#`.slice(-7));
    await toInput(leg);
    await leg.remoteHangup();
  }),
);
const elapsed = performance.now() - t0;
const concurrent = reactions.splice(0).sort((a, b) => a - b);

// The same reaction measured one call at a time: what a caller feels on a quiet node.
for (let i = 0; i < 200; i++) {
  const leg = driver.placeCall({ to: '+18005550100', at: AT });
  await toInput(leg);
  await press(leg, '3');
  await leg.remoteHangup();
}
const quiet = reactions.sort((a, b) => a - b);
const pct = (list: number[], p: number) => list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))]!.toFixed(2);
console.log(`calls: ${CALLS} concurrent (ended: ${ended - 200} + 200 one at a time)`);
console.log(`throughput: ${((CALLS / elapsed) * 1000).toFixed(0)} calls/s over ${(elapsed / 1000).toFixed(2)} s (simulated prompts and timers, real CPU)`);
console.log(`key press → next step, ${CALLS} calls pressing at once: p50 ${pct(concurrent, 50)} ms, p99 ${pct(concurrent, 99)} ms`);
console.log(`key press → next step, one call at a time: p50 ${pct(quiet, 50)} ms, p99 ${pct(quiet, 99)} ms`);
console.log(`heap per live call: ${((heapLive - heapBefore) / CALLS / 1024).toFixed(1)} KiB${global.gc ? '' : ' (run with --expose-gc for a cleaner figure)'}`);
await calls.shutdown();
