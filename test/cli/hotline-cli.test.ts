import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeWorkspace } from '../app/fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'hotline.js');

function hotline(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function jsonLines(text: string): Array<Record<string, any>> {
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
}

describe('hotline CLI', () => {
  const ws = makeWorkspace();
  const dirs = ['--flows-dir', ws.flowsDir, '--sounds-dir', ws.soundsDir];

  test('--help prints usage; unknown options and commands are usage errors (exit 2)', async () => {
    const help = await hotline(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: hotline/);
    const bad = await hotline(['simulate', '--bogus']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown option '--bogus'/);
    const cmd = await hotline(['frobnicate']);
    assert.equal(cmd.code, 2);
    assert.match(cmd.stderr, /unknown command `frobnicate`/);
    const misplaced = await hotline(['graph', 'test-line', '--json']);
    assert.equal(misplaced.code, 2);
    assert.match(misplaced.stderr, /option --json does not apply to `graph`/);
  });

  test('simulate --json prints steps, prompts and a result line', async () => {
    const r = await hotline(['simulate', '--to', '+18005550100', '--at', '2026-11-23T09:00:00-05:00', '--input', '1', '--json', ...dirs]);
    assert.equal(r.code, 0, r.stderr);
    const lines = jsonLines(r.stdout);
    const steps = lines.filter((l) => l.event === 'step').map((l) => l.step);
    assert.deepEqual(steps, ['welcome', 'menu', 'lookup', 'say-status', 'bye']);
    assert.deepEqual(lines[0], { event: 'step', step: 'welcome', kind: 'play', at: '2026-11-23T14:00:00.000Z' });
    const prompts = lines.filter((l) => l.event === 'prompt');
    assert.deepEqual(prompts[0]!.media, [{ kind: 'sound', name: 'hello' }]);
    // The menu prompt starts once the 1 s welcome prompt has played, on simulated time.
    assert.equal(prompts[1]!.at, '2026-11-23T14:00:01.000Z');
    const spoken = prompts.find((p) => p.step === 'say-status');
    assert.match(spoken!.media[0].text, /^Your order has shipped and should arrive on /);
    const result = lines.at(-1)!;
    assert.equal(result.event, 'result');
    assert.deepEqual(result.path, ['welcome', 'menu', 'lookup', 'say-status', 'bye']);
    assert.equal(result.variables.order.orderId, '123450');
    assert.equal(typeof result.outcome, 'string');
  });

  test('simulate: the caller hangs up when the script ends while the flow waits', async () => {
    const r = await hotline(['simulate', '--to', '100', '--input', 'wait:1s', '--json', ...dirs]);
    assert.equal(r.code, 0, r.stderr);
    const result = jsonLines(r.stdout).at(-1)!;
    assert.deepEqual(result.path, ['welcome', 'menu']);
    assert.equal(result.outcome, 'caller-hangup');
  });

  test('simulate: readable output without --json; exit 1 when the call ends before the script does', async () => {
    const r = await hotline(['simulate', '--to', '100', '--input', '2, 1', ...dirs]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /step menu \(menu\)/);
    assert.match(r.stdout, /caller presses 2/);
    assert.match(r.stderr, /the call ended before input event 2/);
  });

  test('simulate: exit 1 when no flow answers the number', async () => {
    const r = await hotline(['simulate', '--to', '555', '--input', '1', ...dirs], { DEFAULT_FLOW: 'nope' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no flow answered 555/);
  });

  test('simulate rejects a bad script or time with exit 2', async () => {
    const script = await hotline(['simulate', '--to', '100', '--input', '1, dance', ...dirs]);
    assert.equal(script.code, 2);
    assert.match(script.stderr, /input event 2 `dance` is not understood/);
    const at = await hotline(['simulate', '--to', '100', '--at', 'monday', '--input', '1', ...dirs]);
    assert.equal(at.code, 2);
    assert.match(at.stderr, /`--at` must be an ISO 8601 time/);
    const missing = await hotline(['simulate', '--input', '1', ...dirs]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--to <number> is required/);
  });

  test('validate: exit 0 for good flows, 1 with a positioned diagnostic for a broken one', async () => {
    const good = await hotline(['validate', ws.flowsDir, '--sounds-dir', ws.soundsDir]);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    const broken = makeWorkspace({ 'broken.yaml': 'id: broken\nstart: a\nsteps:\n  a:\n    type: play\n    prompt: hello\n    on: { done: nowhere }\n' });
    const bad = await hotline(['validate', broken.flowsDir, '--sounds-dir', broken.soundsDir]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout + bad.stderr, /broken\.yaml:7:\d+: error: .*nowhere/);
  });

  test('graph prints Stately JSON with states, or Mermaid', async () => {
    const json = await hotline(['graph', 'test-line', ...dirs]);
    assert.equal(json.code, 0, json.stderr);
    const chart = JSON.parse(json.stdout) as { states: Record<string, unknown> };
    assert.equal(typeof chart.states, 'object');
    for (const step of ['welcome', 'menu', 'lookup', 'say-status', 'bye']) assert.match(json.stdout, new RegExp(`"${step}"`));
    const mermaid = await hotline(['graph', join(ws.flowsDir, 'test-line.yaml'), '--mermaid']);
    assert.equal(mermaid.code, 0, mermaid.stderr);
    assert.match(mermaid.stdout, /^stateDiagram-v2/);
    const unknown = await hotline(['graph', 'no-such-flow', ...dirs]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no flow file or flow id `no-such-flow`.*flows: test-line/);
  });

  test('serve prints the generated token and page URL, serves, and exits 0 on SIGTERM', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = String((probe.address() as { port: number }).port);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const child = spawn(process.execPath, [BIN, 'serve', ...dirs], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: port, SIM_REALTIME: 'false', LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /Web page: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout);
        if (m) resolve(m[1]!);
      });
      child.on('close', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    const token = decodeURIComponent(new URL(url).searchParams.get('token')!);
    assert.match(stdout, new RegExp(`Admin token \\(generated; .*\\): ${token.replace(/[-]/g, '\\-')}`));
    const origin = new URL(url).origin;
    assert.equal((await fetch(`${origin}/health`)).status, 200);
    assert.equal((await fetch(`${origin}/api/calls`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.kill('SIGTERM');
    });
    assert.equal(code, 0, stderr);
  });

  test('serve reports a configuration error and exits 1', async () => {
    const r = await hotline(['serve'], { PORT: 'abc' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /HOTLINE_ERR_CONFIG: PORT must be an integer from 1 to 65535 \(got "abc"\)/);
  });

  test('the shipped sample flow answers a simulated call', async () => {
    const r = await hotline(['simulate', '--to', '+18005550100', '--at', '2026-11-23T10:00:00-05:00', '--input', '', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = jsonLines(r.stdout).at(-1)!;
    assert.equal(result.event, 'result');
    assert.deepEqual(result.path.slice(0, 2), ['record-call', 'welcome']);
  });
});

