/**
 * Real `hotline serve` processes on the simulated PBX sharing one real Redis, for the callback
 * crash tests (`test/crash/callback-*.test.ts`): a flows directory with a queue that is always
 * open and allows one attempt, nodes whose parsed logs the test reads, and the API calls the
 * tests make (schedule a burst of callbacks, list them).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallbackSeen } from './callback-evidence.ts';
import { PinoTail, type LogLine } from './pino-lines.ts';
import { freePort, startHotlineProcess, waitUntil, type HotlineProcess } from './processes.ts';

export const CRASH_TOKEN = 'callback-crash-admin-token-0123';
/** The queue the callbacks are for: no `hours` (always open), one attempt per callback. */
export const CRASH_QUEUE = 'callbacks';

const FLOW = `id: callback-crash
name: Callback crash
numbers: ["100"]
start: bye
steps:
  bye:
    type: hangup
`;

const QUEUE = `queue: ${CRASH_QUEUE}
strategy: longest-idle
ringTimeout: 5s
maxWait: 10m
callback:
  maxAttempts: 1
  retryEvery: 1h
`;

/** Writes the flows directory the crash tests' processes load; returns its path. */
export function writeCrashFlows(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-cb-crash-'));
  writeFileSync(join(dir, 'callback-crash.yaml'), FLOW);
  mkdirSync(join(dir, 'queues'));
  writeFileSync(join(dir, 'queues', `${CRASH_QUEUE}.yaml`), QUEUE);
  return dir;
}

/** One `hotline serve` of a crash test. */
export interface CrashNode {
  name: string;
  port: number;
  proc: HotlineProcess;
  tail: PinoTail;
  /** `api('GET', '/callbacks')` → `/api/callbacks` on this node, with the admin token. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Every `callback dialing` line this node has printed so far. */
  dialing(): LogLine[];
  /** Callbacks this node is dialling now: a `callback dialing` line and no end of that attempt yet. */
  inFlight(): number;
}

/** Settings of a crash node (env of `hotline serve`). */
export interface CrashNodeOptions {
  redisUrl: string;
  flowsDir: string;
  /** `CALLBACK_CONCURRENCY`. */
  concurrency: number;
  /** `CALLBACK_RING_SECONDS` (min 5). Default 5. */
  ringSeconds?: number;
  /** `JOB_LEASE_SECONDS` (min 2). Default 3. */
  leaseSeconds?: number;
}

/** Starts a node and resolves once it answers `GET /ready`. */
export async function startCrashNode(name: string, options: CrashNodeOptions): Promise<CrashNode> {
  const port = await freePort();
  const proc = startHotlineProcess({
    PBX: 'sim',
    REDIS_URL: options.redisUrl,
    PORT: String(port),
    HOTLINE_ADMIN_TOKEN: CRASH_TOKEN,
    FLOWS_DIR: options.flowsDir,
    DEFAULT_FLOW: 'callback-crash',
    LOG_LEVEL: 'info',
    CALLBACK_RING_SECONDS: String(options.ringSeconds ?? 5),
    CALLBACK_CONCURRENCY: String(options.concurrency),
    JOB_LEASE_SECONDS: String(options.leaseSeconds ?? 3),
  });
  const tail = new PinoTail(name, () => proc.output());
  const node: CrashNode = {
    name,
    port,
    proc,
    tail,
    api: async (method, path, body, headers = {}) => {
      const res = await fetch(`http://127.0.0.1:${port}/api${path}`, {
        method,
        headers: { authorization: `Bearer ${CRASH_TOKEN}`, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    dialing: () => {
      tail.take();
      return tail.all().filter((l) => l.msg === 'callback dialing');
    },
    inFlight: () => {
      tail.take();
      const open = new Set<unknown>();
      for (const l of tail.all()) {
        if (l.msg === 'callback dialing') open.add(l.callbackId);
        else if (ATTEMPT_ENDS.has(l.msg)) open.delete(l.callbackId);
      }
      return open.size;
    },
  };
  await proc.ready(port, 30_000);
  return node;
}

/**
 * Creates `count` callbacks through `nodes` (in turn), due from `firstDueAt` on, spread evenly
 * over `spreadMs`, each to its own valid US number (`+1212555` + 4 digits). Returns their ids.
 */
export async function scheduleBurst(nodes: readonly CrashNode[], count: number, firstDueAt: number, spreadMs: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const node = nodes[i % nodes.length]!;
    const at = new Date(firstDueAt + Math.floor((i * spreadMs) / Math.max(1, count - 1))).toISOString();
    const number = `+1212555${String(1000 + i).padStart(4, '0')}`;
    const res = await node.api('POST', '/callbacks', { number, queue: CRASH_QUEUE, at }, { 'idempotency-key': `crash-${i}` });
    if (res.status !== 201) throw new Error(`POST /api/callbacks for ${number} on ${node.name}: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(String(res.body.id));
  }
  return ids;
}

/** Every callback the API lists (up to 1000). */
export async function listCallbacks(node: CrashNode): Promise<CallbackSeen[]> {
  const res = await node.api('GET', '/callbacks?limit=1000');
  if (res.status !== 200) throw new Error(`GET /api/callbacks on ${node.name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.callbacks as CallbackSeen[];
}

/** Waits until every callback in `ids` has attempt 1 with an outcome and a final state. */
export async function waitAllSettled(node: CrashNode, ids: readonly string[], timeoutMs: number, explain: () => string): Promise<CallbackSeen[]> {
  let last: CallbackSeen[] = [];
  const finals = new Set(['connected', 'no-answer', 'cancelled', 'expired', 'failed']);
  return waitUntil(
    async () => {
      last = await listCallbacks(node);
      const byId = new Map(last.map((c) => [c.id, c]));
      return ids.every((id) => {
        const c = byId.get(id);
        return c !== undefined && finals.has(c.state) && c.attempts.some((a) => a.n === 1 && a.outcome !== null);
      })
        ? last
        : false;
    },
    `all ${ids.length} callbacks settled`,
    {
      timeoutMs,
      pauseMs: 250,
      explain: () => {
        const open = last.filter((c) => ids.includes(c.id) && !finals.has(c.state));
        return `${open.length} not final, e.g. ${JSON.stringify(open.slice(0, 3))}\n${explain()}`;
      },
    },
  );
}

/**
 * Waits until `node` has printed nothing for `quietMs`, so a `kill -9` right after does not
 * cut off log lines still in pino's asynchronous write (they are the test's evidence). The
 * kill still lands mid-attempt: the customers' phones ring for seconds.
 */
/** Log lines that end an attempt of the crash flow (nobody answers, so no conversation follows). */
const ATTEMPT_ENDS = new Set(['callback not answered', 'callback connected to an agent']);

/**
 * Waits until `node` has printed nothing for `quietMs` while it still has attempts in flight
 * (phones ringing): a kill then lands mid-attempt, not between two waves of claims, and after
 * the last lines reached the pipe.
 */
export async function waitForQuietMidAttempt(node: CrashNode, quietMs: number, timeoutMs: number): Promise<void> {
  let length = node.proc.output().length;
  let since = Date.now();
  await waitUntil(
    () => {
      const now = node.proc.output().length;
      if (now !== length) {
        length = now;
        since = Date.now();
        return false;
      }
      return Date.now() - since >= quietMs && node.inFlight() > 0;
    },
    `${quietMs} ms without output from ${node.name} while it dials`,
    { timeoutMs, pauseMs: 5 },
  );
}

/** The last part of each node's output, for a failure message. */
export function outputTails(nodes: readonly CrashNode[], chars = 3000): string {
  return nodes.map((n) => `--- node ${n.name} (tail) ---\n${n.proc.output().slice(-chars)}`).join('\n');
}

/** Keeps every node's full output in a temp dir (for a failed run); returns the dir. */
export function keepLogs(prefix: string, nodes: readonly CrashNode[]): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-logs-`));
  for (const n of nodes) writeFileSync(join(dir, `node-${n.name}.log`), n.proc.output());
  return dir;
}

/** The lease runs out at least this long after the kill (it is renewed every half lease). */
const MIN_REDELIVERY_MS = 1000;

/**
 * What a node that lived through the run logged: no error, and `callback attempt interrupted`
 * for exactly the callbacks the API shows interrupted, each found only after the kill plus half
 * a lease (earlier would mean a live node's lease was taken from it).
 */
export function assertSurvivorLog(lines: readonly LogLine[], seen: readonly CallbackSeen[], killedAt: number): void {
  const errors = lines.filter((l) => l.level === 'error' || l.level === 'fatal');
  assert.deepEqual(errors.map((l) => `${l.node}: ${l.msg} ${JSON.stringify(l)}`), [], 'errors logged by a surviving node');
  const found = lines.filter((l) => l.msg === 'callback attempt interrupted');
  const shown = seen.filter((c) => c.attempts.some((a) => a.outcome === 'interrupted')).map((c) => c.id).sort();
  assert.deepEqual(found.map((l) => String(l.callbackId)).sort(), shown, 'interrupted attempts: the survivor\'s log vs the API');
  const early = found.filter((l) => l.time < killedAt + MIN_REDELIVERY_MS);
  assert.deepEqual(early.map((l) => `${String(l.callbackId)} at kill+${l.time - killedAt} ms`), [], 'redelivered before the dead node\'s lease could run out');
}
