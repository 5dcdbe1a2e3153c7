import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { runValidate } from '../../src/cli/validate.ts';
import { fakeSounds, SUPPORT_FLOW, TROUBLESHOOT_FLOW } from './fixtures.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) } };
}

describe('runValidate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotline-validate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 for valid flows and prints a summary', async () => {
    await writeFile(join(dir, 'support.yaml'), SUPPORT_FLOW);
    await writeFile(join(dir, 'troubleshoot.yaml'), TROUBLESHOOT_FLOW);
    const c = capture();
    assert.equal(await runValidate([dir], c.io, { sounds: fakeSounds() }), 0);
    assert.deepEqual(c.out, ['2 files, 0 errors, 0 warnings']);
  });

  it('exits 0 with warnings only', async () => {
    await writeFile(join(dir, 'a.yaml'), 'id: a\nstart: bye\nsteps:\n  bye: { type: hangup }\n  lost: { type: hangup }\n');
    const c = capture();
    assert.equal(await runValidate([dir], c.io), 0);
    assert.deepEqual(c.out, [
      `${join(dir, 'a.yaml')}:5:3: warning: step \`lost\` is never reached from \`bye\` — target it from another step, or remove it`,
      '1 file, 0 errors, 1 warning',
    ]);
  });

  it('exits 1 on errors, printing each at file:line:column', async () => {
    const file = join(dir, 'a.yaml');
    await writeFile(file, 'id: a\nstart: welcome\nsteps:\n  welcome: { type: play, prompt: hello, on: { done: biling } }\n  billing: { type: hangup }\n');
    const c = capture();
    assert.equal(await runValidate([file], c.io, { sounds: fakeSounds(['helo']) }), 1);
    assert.deepEqual(c.out, [
      `${file}:4:34: error: unknown sound \`hello\` in step \`welcome\` — did you mean \`helo\`?`,
      `${file}:4:53: error: unknown step \`biling\` — did you mean \`billing\`?`,
      `${file}:5:3: warning: step \`billing\` is never reached from \`welcome\` — target it from another step, or remove it`,
      '1 file, 2 errors, 1 warning',
    ]);
  });

  it('validates files together (subflows across files) and reports syntax errors', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'support.yaml'), SUPPORT_FLOW);
    await writeFile(join(dir, 'broken.yaml'), 'id: [x\n');
    const c = capture();
    assert.equal(await runValidate([join(dir, 'sub'), join(dir, 'broken.yaml')], c.io), 1);
    assert.ok(c.out.some((l) => l.includes('unknown flow `troubleshoot`')));
    assert.ok(c.out.some((l) => l.startsWith(`${join(dir, 'broken.yaml')}:2:1: error: YAML syntax`)));
    assert.equal(c.out.at(-1), '2 files, 2 errors, 0 warnings');
  });

  it('exits 1 when a path does not exist', async () => {
    const c = capture();
    assert.equal(await runValidate([join(dir, 'nope')], c.io), 1);
    assert.match(c.err[0]!, /cannot read/);
  });
});
