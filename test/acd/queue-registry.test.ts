import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createMachine } from 'xstate';
import type { QueueCatalog } from '../../src/core/acd/acd-service.ts';
import { QueueRegistry } from '../../src/core/acd/queue-registry.ts';
import type { QueueChange } from '../../src/core/acd/queue-registry.ts';
import type { CompiledFlow } from '../../src/core/flow/compiled.ts';
import { FlowRegistry } from '../../src/core/flow/registry.ts';
import type { Logger } from '../../src/ports/logger.ts';

/** A logger that keeps `[level, message]` lines, so tests can see what an admin would. */
function recordingLogger(lines: Array<[string, string]>): Logger {
  const log = (level: string) => (obj: object | string, msg?: string) => lines.push([level, msg ?? String(obj)]);
  const logger: Logger = { child: () => logger, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return logger;
}

const billing = (extra = '') => `queue: billing\nskills: { billing: 3 }\n${extra}`;
const support = (extra = '') => `queue: support\nstrategy: best-skill-match\n${extra}`;
const overflowTo = (q: string) => `whenMaxWait: { action: overflow, queue: ${q} }\n`;

describe('QueueRegistry', () => {
  let root: string;
  let dir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'hotline-queues-'));
    dir = join(root, 'queues');
    await mkdir(dir);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('loads every queue file and serves them by name', async () => {
    await writeFile(join(dir, 'billing.yaml'), billing(overflowTo('support')));
    await writeFile(join(dir, 'support.yml'), support());
    await writeFile(join(dir, 'notes.txt'), 'not a queue');
    await mkdir(join(dir, 'archive.yaml'));
    const registry = new QueueRegistry({ dir });
    const result = await registry.load();
    assert.deepEqual(result, { added: ['billing', 'support'], updated: [], removed: [], diagnostics: [] });
    assert.deepEqual(registry.names(), ['billing', 'support']);
    assert.deepEqual(registry.list().map((q) => [q.name, q.file]), [
      ['billing', join(dir, 'billing.yaml')],
      ['support', join(dir, 'support.yml')],
    ]);
    assert.deepEqual(registry.get('billing')?.whenMaxWait, { action: 'overflow', queue: 'support' });
    assert.equal(registry.get('support')?.strategy, 'best-skill-match');
    assert.equal(registry.get('sales'), undefined);
    const catalog: QueueCatalog = registry; // what the ACD service is given
    assert.equal(catalog.list().length, 2);
  });

  it('a missing directory means no queues', async () => {
    const registry = new QueueRegistry({ dir: join(root, 'nope') });
    assert.deepEqual(await registry.load(), { added: [], updated: [], removed: [], diagnostics: [] });
    assert.deepEqual(registry.names(), []);
    registry.watch()(); // watching a missing directory is a logged no-op
  });

  it('a broken edit keeps the last good definition and logs the diagnostic', async () => {
    const file = join(dir, 'billing.yaml');
    await writeFile(file, billing('ringTimeout: 20s\n'));
    const lines: Array<[string, string]> = [];
    const registry = new QueueRegistry({ dir, logger: recordingLogger(lines) });
    await registry.load();
    const good = registry.get('billing')!;

    await writeFile(file, billing('ringTimeout: 20 seconds\n'));
    const result = await registry.load();
    assert.deepEqual(result.added.concat(result.updated, result.removed), []);
    assert.deepEqual(result.diagnostics.map((d) => [d.line, d.column, d.code]), [[3, 14, 'invalid-duration']]);
    assert.equal(registry.get('billing'), good, 'the running definition stays');
    assert.ok(lines.some(([level, msg]) => level === 'error' && msg === `${file}:3:14: error: \`ringTimeout\` is not a duration: "20 seconds" — write a number and a unit: \`500ms\`, \`20s\`, \`10m\`, \`1h\``));
    assert.deepEqual(registry.lastDiagnostics(), result.diagnostics);

    await writeFile(file, billing('ringTimeout: 30s\n'));
    assert.deepEqual((await registry.load()).updated, ['billing']);
    assert.equal(registry.get('billing')?.ringTimeoutMs, 30_000);
    assert.deepEqual(registry.lastDiagnostics(), []);
  });

  it('a deleted file removes the queue; recreated broken, it comes back with its last good definition', async () => {
    const file = join(dir, 'billing.yaml');
    await writeFile(file, billing());
    const registry = new QueueRegistry({ dir });
    await registry.load();
    const good = registry.get('billing')!;

    await unlink(file);
    assert.deepEqual((await registry.load()).removed, ['billing']);
    assert.equal(registry.get('billing'), undefined);

    await writeFile(file, billing('strategy: fastest\n'));
    const result = await registry.load();
    assert.deepEqual(result.added, ['billing']);
    assert.deepEqual(result.diagnostics.map((d) => d.code), ['invalid-value']);
    assert.equal(registry.get('billing'), good);
  });

  it('a file new and broken is not loaded at all', async () => {
    await writeFile(join(dir, 'billing.yaml'), 'queue: billing\nstratgy: ring-all\n');
    const registry = new QueueRegistry({ dir });
    const result = await registry.load();
    assert.deepEqual(registry.names(), []);
    assert.equal(result.diagnostics[0]?.hint, 'did you mean `strategy`?');
  });

  it('cross-file checks: an overflow cycle or unknown target keeps the previous version', async () => {
    await writeFile(join(dir, 'billing.yaml'), billing(overflowTo('support')));
    await writeFile(join(dir, 'support.yaml'), support());
    const registry = new QueueRegistry({ dir });
    await registry.load();
    const supportBefore = registry.get('support')!;

    await writeFile(join(dir, 'support.yaml'), support(overflowTo('billing')));
    const cycle = await registry.load();
    assert.deepEqual(cycle.diagnostics.map((d) => [d.file, d.code]), [
      [join(dir, 'billing.yaml'), 'overflow-cycle'],
      [join(dir, 'support.yaml'), 'overflow-cycle'],
    ]);
    assert.equal(registry.get('support'), supportBefore);
    assert.deepEqual(registry.get('support')?.whenMaxWait, { action: 'leave' });

    // A new file overflowing to a queue nobody defines never loads.
    await writeFile(join(dir, 'sales.yaml'), `queue: sales\n${overflowTo('markting')}`);
    await writeFile(join(dir, 'support.yaml'), support());
    const unknown = await registry.load();
    assert.deepEqual(unknown.diagnostics.map((d) => [d.code, d.hint]), [['unknown-queue', 'add flows/queues/markting.yaml, or overflow to one of: billing, support']]);
    assert.deepEqual(registry.names(), ['billing', 'support']);
  });

  it('onChange fires after loads that change the set, with the live queues', async () => {
    const registry = new QueueRegistry({ dir });
    const changes: QueueChange[] = [];
    const off = registry.onChange((c) => changes.push(c));
    registry.onChange(() => {
      throw new Error('a broken listener must not stop the others');
    });
    await writeFile(join(dir, 'billing.yaml'), billing());
    await registry.load();
    await registry.load(); // nothing changed: no event
    await writeFile(join(dir, 'support.yaml'), support());
    await registry.load();
    assert.deepEqual(changes.map((c) => [c.added, c.queues.map((q) => q.name)]), [
      [['billing'], ['billing']],
      [['support'], ['billing', 'support']],
    ]);
    off();
    await unlink(join(dir, 'billing.yaml'));
    await registry.load();
    assert.equal(changes.length, 2);
  });

  it('watch() reloads after a file changes', async () => {
    await writeFile(join(dir, 'billing.yaml'), billing());
    const registry = new QueueRegistry({ dir, debounceMs: 10 });
    await registry.load();
    const changed = new Promise<QueueChange>((resolve) => registry.onChange(resolve));
    const stop = registry.watch();
    try {
      await writeFile(join(dir, 'billing.yaml'), billing('wrapUp: 45s\n'));
      const change = await changed;
      assert.deepEqual(change.updated, ['billing']);
      assert.equal(registry.get('billing')?.wrapUpMs, 45_000);
    } finally {
      stop();
    }
  });

  it('the flow registry reads flows/*.yaml only, never flows/queues/', async () => {
    await writeFile(join(root, 'main.yaml'), 'id: main\nstart: q\nsteps:\n  q: { type: queue, queue: billing, on: { done: bye, timeout: bye } }\n  bye: { type: hangup }\n');
    await writeFile(join(dir, 'billing.yaml'), billing());
    const compiled: string[] = [];
    const flows = new FlowRegistry({
      dir: root,
      compile: (flow) => {
        compiled.push(flow.file);
        return { id: flow.doc.id, version: flow.version, file: flow.file, numbers: [], doc: flow.doc, config: {}, machine: createMachine({}), stepKinds: {}, sensitiveSteps: [] } as CompiledFlow;
      },
    });
    const result = await flows.load();
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(compiled, [join(root, 'main.yaml')]);
  });
});
