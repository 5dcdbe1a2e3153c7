import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { runValidate } from '../../src/cli/validate.ts';
import { formatDiagnostic } from '../../src/core/flow/diagnostics.ts';
import { parseFlowText } from '../../src/core/flow/loader.ts';
import type { LoadedFlow } from '../../src/core/flow/loader.ts';
import { validateFlows } from '../../src/core/flow/validate.ts';
import type { ValidateOptions } from '../../src/core/flow/validate.ts';

const FLOW = `id: main
start: billing
steps:
  billing:
    type: queue
    queue: biling
    on: { done: bye, timeout: support }
  support:
    type: queue
    queue: support
    on: { done: bye, timeout: bye }
  bye: { type: hangup }
`;

function load(text: string, file = 'flows/main.yaml'): LoadedFlow {
  const r = parseFlowText(text, file);
  if (!r.ok) assert.fail(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.flow;
}

const unknownQueues = (options: ValidateOptions) => validateFlows([load(FLOW)], options).filter((d) => d.code === 'unknown-queue');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) } };
}

describe('queue-refs flow check', () => {
  it('a queue step naming a queue no file defines is an error at its `queue`, with "did you mean"', () => {
    assert.deepEqual(unknownQueues({ knownQueues: ['billing', 'support'] }).map(formatDiagnostic), [
      'flows/main.yaml:6:12: error: unknown queue `biling` in step `billing`: no queue file defines it — did you mean `billing`?',
    ]);
  });

  it('without a close name it lists the queues and says which file to add', () => {
    const [d] = unknownQueues({ knownQueues: ['support', 'sales'] });
    assert.equal(d!.hint, 'queues: support, sales; or add flows/queues/biling.yaml');
    assert.equal(unknownQueues({ knownQueues: [] }).length, 2);
    assert.equal(unknownQueues({ knownQueues: [] })[1]!.hint, 'add flows/queues/support.yaml (see docs/queues.md)');
  });

  it('runs only when the queue names are given', () => {
    assert.deepEqual(unknownQueues({}), []);
    assert.deepEqual(unknownQueues({ knownQueues: ['biling', 'support'] }), []);
  });
});

describe('hotline validate with queue files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotline-validate-queues-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('checks <dir>/queues/*.yaml and passes their names to the flow checks', async () => {
    await writeFile(join(dir, 'main.yaml'), FLOW);
    await mkdir(join(dir, 'queues'));
    await writeFile(join(dir, 'queues', 'billing.yaml'), 'queue: billing\nwhenMaxWait: { action: overflow, queue: support }\n');
    await writeFile(join(dir, 'queues', 'support.yaml'), 'queue: support\nstrategy: best-skil-match\n');
    const c = capture();
    assert.equal(await runValidate([dir], c.io), 1);
    assert.deepEqual(c.out, [
      `${join(dir, 'main.yaml')}:6:12: error: unknown queue \`biling\` in step \`billing\`: no queue file defines it — did you mean \`billing\`?`,
      // billing overflows to support, whose file exists but is broken: reported there only.
      `${join(dir, 'queues', 'support.yaml')}:2:11: error: \`strategy\` must be one of longest-idle, round-robin, fewest-calls, ring-all, best-skill-match — did you mean \`best-skill-match\`?`,
      '3 files, 2 errors, 0 warnings',
    ]);
    await writeFile(join(dir, 'queues', 'billing.yaml'), 'queue: billing\nwhenMaxWait: { action: overflow, queue: sales }\n');
    const again = capture();
    assert.equal(await runValidate([join(dir, 'queues')], again.io), 1);
    assert.deepEqual(again.out.slice(0, 1), [
      `${join(dir, 'queues', 'billing.yaml')}:2:41: error: queue \`billing\` overflows to unknown queue \`sales\` — add flows/queues/sales.yaml, or overflow to one of: support`,
    ]);
  });

  it('a single queue file can be validated on its own', async () => {
    await mkdir(join(dir, 'queues'));
    const file = join(dir, 'queues', 'sales.yaml');
    await writeFile(file, 'queue: sale\n');
    const c = capture();
    assert.equal(await runValidate([file], c.io), 1);
    assert.equal(c.out[0], `${file}:1:8: error: queue \`sale\` is defined in a file named \`sales.yaml\` — the name must match the file: write \`queue: sales\`, or rename the file to \`sale.yaml\``);
  });

  it('a directory without queues/ leaves queue names unchecked', async () => {
    await writeFile(join(dir, 'main.yaml'), FLOW);
    const c = capture();
    assert.equal(await runValidate([dir], c.io), 0);
    assert.deepEqual(c.out, ['1 file, 0 errors, 0 warnings']);
  });

  it('the shipped flows and queues validate cleanly', async () => {
    const c = capture();
    assert.equal(await runValidate(['flows'], c.io), 0, c.out.join('\n'));
    assert.deepEqual(c.out, ['5 files, 0 errors, 0 warnings']); // 3 flows (support line, order status, callback) and 2 queues
  });
});
