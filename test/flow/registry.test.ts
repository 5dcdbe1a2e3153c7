import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createMachine } from 'xstate';
import { isHotlineError } from '../../src/core/errors.ts';
import type { CompiledFlow } from '../../src/core/flow/compiled.ts';
import type { LoadedFlow } from '../../src/core/flow/loader.ts';
import { FlowRegistry } from '../../src/core/flow/registry.ts';
import type { FlowLoadResult, FlowRegistryOptions } from '../../src/core/flow/registry.ts';
import type { FlowVersionSource, FlowVersionStore } from '../../src/ports/stores.ts';
import { SUPPORT_FLOW, TROUBLESHOOT_FLOW } from './fixtures.ts';

/** Stands in for the real compiler: records what it was asked and which subflows it resolved. */
function fakeCompile(calls: string[] = []): FlowRegistryOptions['compile'] {
  return (flow: LoadedFlow, resolve) => {
    calls.push(flow.doc.id);
    if (flow.doc.name === 'boom') throw new Error('compiler exploded');
    const subflows = Object.values(flow.doc.steps).flatMap((s) => (s.type === 'subflow' ? [resolve(s.flow)?.doc.id ?? 'missing'] : []));
    const compiled: CompiledFlow = {
      id: flow.doc.id,
      version: flow.version,
      file: flow.file,
      numbers: flow.doc.numbers ?? [],
      doc: flow.doc,
      config: { subflows },
      machine: createMachine({}),
      stepKinds: {},
      sensitiveSteps: [],
    };
    return compiled;
  };
}

const simple = (id: string, numbers: string[], extra = '') =>
  `id: ${id}\n${extra}numbers: [${numbers.map((n) => `"${n}"`).join(', ')}]\nstart: bye\nsteps:\n  bye: { type: hangup }\n`;

class MemoryVersions implements FlowVersionStore {
  readonly sources = new Map<string, FlowVersionSource>();
  async put(source: FlowVersionSource): Promise<void> {
    this.sources.set(source.version, source);
  }
  async get(version: string): Promise<FlowVersionSource | undefined> {
    return this.sources.get(version);
  }
}

describe('FlowRegistry', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotline-flows-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads every flow file, compiles with subflows resolved, and serves by number and id', async () => {
    await writeFile(join(dir, 'support.yaml'), SUPPORT_FLOW);
    await writeFile(join(dir, 'troubleshoot.yml'), TROUBLESHOOT_FLOW);
    await writeFile(join(dir, 'notes.txt'), 'not a flow');
    const registry = new FlowRegistry({ dir, compile: fakeCompile() });
    const result = await registry.load();
    assert.deepEqual(result.loaded.sort(), ['support-line', 'troubleshoot']);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(registry.byNumber('+18005550100')?.id, 'support-line');
    assert.equal(registry.byNumber('100')?.id, 'support-line');
    assert.equal(registry.byNumber('999'), undefined);
    assert.equal(registry.byId('troubleshoot')?.file, join(dir, 'troubleshoot.yml'));
    assert.deepEqual(registry.byId('support-line')?.config, { subflows: ['troubleshoot'] });
    assert.deepEqual(registry.list().map((f) => f.id), ['support-line', 'troubleshoot']);
  });

  it('keeps the previous version live when a file breaks, and keeps every version by version', async () => {
    const file = join(dir, 'a.yaml');
    await writeFile(file, simple('a', ['100']));
    const registry = new FlowRegistry({ dir, compile: fakeCompile() });
    await registry.load();
    const v1 = registry.byNumber('100')!.version;

    await writeFile(file, simple('a', ['100']).replace('type: hangup', 'type: hangup, cuase: busy'));
    const broken = await registry.load();
    assert.deepEqual(broken.loaded, []);
    assert.equal(broken.diagnostics[0]?.code, 'unknown-field');
    assert.equal(registry.byNumber('100')?.version, v1);
    assert.deepEqual(registry.lastDiagnostics(), broken.diagnostics);

    await writeFile(file, simple('a', ['100', '101']));
    const fixed = await registry.load();
    assert.deepEqual(fixed.loaded, ['a']);
    const v2 = registry.byNumber('101')!.version;
    assert.notEqual(v2, v1);
    assert.equal(registry.byVersionLocal(v1)?.version, v1, 'calls keep the version they started with');
    assert.equal((await registry.byVersion(v2))?.version, v2);
    assert.deepEqual(registry.lastDiagnostics(), []);
  });

  it('keeps the previous version when compiling throws', async () => {
    const file = join(dir, 'a.yaml');
    await writeFile(file, simple('a', ['100']));
    const registry = new FlowRegistry({ dir, compile: fakeCompile() });
    await registry.load();
    const v1 = registry.byId('a')!.version;
    await writeFile(file, simple('a', ['100'], 'name: boom\n'));
    const result = await registry.load();
    assert.equal(result.diagnostics[0]?.code, 'compile-failed');
    assert.match(result.diagnostics[0]!.message, /compiler exploded/);
    assert.equal(registry.byId('a')?.version, v1);
  });

  it('does not recompile when nothing changed', async () => {
    await writeFile(join(dir, 'a.yaml'), simple('a', ['100']));
    const calls: string[] = [];
    const registry = new FlowRegistry({ dir, compile: fakeCompile(calls) });
    await registry.load();
    const first = registry.byId('a');
    const again = await registry.load();
    assert.deepEqual(again.loaded, []);
    assert.deepEqual(calls, ['a']);
    assert.equal(registry.byId('a'), first);
  });

  it('unloads a removed file for new calls but keeps its version', async () => {
    await writeFile(join(dir, 'a.yaml'), simple('a', ['100']));
    await writeFile(join(dir, 'b.yaml'), simple('b', ['200']));
    const registry = new FlowRegistry({ dir, compile: fakeCompile() });
    await registry.load();
    const va = registry.byId('a')!.version;
    await unlink(join(dir, 'a.yaml'));
    await registry.load();
    assert.equal(registry.byNumber('100'), undefined);
    assert.equal(registry.byId('a'), undefined);
    assert.equal(registry.byVersionLocal(va)?.id, 'a');
    assert.equal(registry.byNumber('200')?.id, 'b');
  });

  it('a new file cannot take a number from a live flow', async () => {
    await writeFile(join(dir, 'b.yaml'), simple('b', ['100']));
    const registry = new FlowRegistry({ dir, compile: fakeCompile() });
    await registry.load();
    await writeFile(join(dir, 'a.yaml'), simple('a', ['100']));
    const result = await registry.load();
    assert.equal(result.diagnostics.length, 1);
    assert.equal(result.diagnostics[0]!.code, 'duplicate-number');
    assert.equal(result.diagnostics[0]!.file, join(dir, 'a.yaml'));
    assert.equal(registry.byNumber('100')?.id, 'b');
    assert.equal(registry.byId('a'), undefined);
  });

  it('stores versions so another registry can recompile them', async () => {
    await writeFile(join(dir, 'a.yaml'), simple('a', ['100']));
    const versions = new MemoryVersions();
    const registry = new FlowRegistry({ dir, compile: fakeCompile(), versions, now: () => 1234 });
    await registry.load();
    const v = registry.byId('a')!.version;
    assert.deepEqual({ ...versions.sources.get(v), text: undefined }, { flowId: 'a', version: v, file: join(dir, 'a.yaml'), text: undefined, storedAt: 1234 });

    const otherDir = await mkdtemp(join(tmpdir(), 'hotline-flows-'));
    try {
      const other = new FlowRegistry({ dir: otherDir, compile: fakeCompile(), versions });
      await other.load();
      assert.equal(other.byVersionLocal(v), undefined);
      const compiled = await other.byVersion(v);
      assert.equal(compiled?.id, 'a');
      assert.equal(other.byVersionLocal(v), compiled);
      assert.equal(await other.byVersion('000000000000'), undefined);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('fails with a config error when the directory cannot be read', async () => {
    const registry = new FlowRegistry({ dir: join(dir, 'missing'), compile: fakeCompile() });
    await assert.rejects(registry.load(), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_CONFIG'));
  });

  it('hot-reloads on change while watching, and notifies listeners', async () => {
    const file = join(dir, 'a.yaml');
    await writeFile(file, simple('a', ['100']));
    const registry = new FlowRegistry({ dir, compile: fakeCompile(), debounceMs: 50 });
    await registry.load();
    const v1 = registry.byId('a')!.version;
    const reloads: FlowLoadResult[] = [];
    const unsubscribe = registry.onReload((r) => reloads.push(r));
    const stop = registry.watch();
    try {
      await writeFile(file, simple('a', ['100', '555']));
      // fs.watch is real I/O: poll with a bounded wait rather than a fixed sleep.
      const deadline = Date.now() + 5000;
      while (registry.byNumber('555') === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(registry.byNumber('555')?.id, 'a');
      assert.notEqual(registry.byId('a')!.version, v1);
      assert.ok(reloads.some((r) => r.loaded.includes('a')));
    } finally {
      stop();
      unsubscribe();
    }
  });
});
