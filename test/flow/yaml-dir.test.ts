import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isYamlName, listDir, oneAtATime, readText } from '../../src/core/flow/yaml-dir.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'hotline-yaml-dir-'));
}

describe('yaml-dir', () => {
  it('lists the accepted entries as sorted paths', async () => {
    const dir = tempDir();
    for (const name of ['b.yaml', 'a.YML', 'notes.txt']) writeFileSync(join(dir, name), 'x: 1\n');
    mkdirSync(join(dir, 'sub.yaml'));
    assert.deepEqual(await listDir(dir, (e) => isYamlName(e.name)), [join(dir, 'a.YML'), join(dir, 'b.yaml'), join(dir, 'sub.yaml')]);
    assert.deepEqual(await listDir(dir, (e) => e.isFile() && isYamlName(e.name)), [join(dir, 'a.YML'), join(dir, 'b.yaml')]);
    await assert.rejects(listDir(join(dir, 'missing'), () => true), { code: 'ENOENT' });
  });

  it('reads text, tells a vanished file from an unreadable one', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'id: a\n');
    assert.deepEqual(await readText(join(dir, 'a.yaml')), { ok: true, text: 'id: a\n' });
    const gone = await readText(join(dir, 'gone.yaml'));
    assert.equal(gone.ok, false);
    assert.equal(!gone.ok && gone.gone, true);
    const unreadable = await readText(dir); // a directory: EISDIR
    assert.ok(!unreadable.ok && !unreadable.gone);
    assert.equal(!unreadable.ok && unreadable.diagnostic.code, 'read-failed');
    assert.deepEqual(!unreadable.ok && [unreadable.diagnostic.file, unreadable.diagnostic.line, unreadable.diagnostic.severity], [dir, 1, 'error']);
  });

  it('runs calls one at a time in call order, a failure rejecting only its own call', async () => {
    const log: string[] = [];
    let n = 0;
    const gates: Array<() => void> = [];
    const run = oneAtATime(async () => {
      const i = ++n;
      log.push(`start ${i}`);
      await new Promise<void>((resolve) => gates.push(resolve));
      log.push(`end ${i}`);
      if (i === 1) throw new Error('first fails');
      return i;
    });
    const first = run();
    const second = run();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(log, ['start 1']);
    gates.shift()!();
    await assert.rejects(first, /first fails/);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(log, ['start 1', 'end 1', 'start 2']);
    gates.shift()!();
    assert.equal(await second, 2);
  });
});
