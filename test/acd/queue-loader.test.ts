import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { parseQueueText, queueNameOfFile, validateQueueSet } from '../../src/core/acd/queue-loader.ts';
import type { LoadedQueue } from '../../src/core/acd/queue-loader.ts';
import { formatDiagnostic } from '../../src/core/flow/diagnostics.ts';
import type { Diagnostic } from '../../src/core/flow/diagnostics.ts';

const FILE = 'flows/queues/billing.yaml';

/** Diagnostics of a text that must fail, as `line:col code` plus the formatted lines. */
function failures(text: string, file = FILE): Diagnostic[] {
  const r = parseQueueText(text, file);
  assert.equal(r.ok, false, 'expected the file to fail');
  return r.diagnostics;
}

function mustLoad(text: string, file = FILE): LoadedQueue {
  const r = parseQueueText(text, file);
  if (!r.ok) assert.fail(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.queue;
}

/** `[line, column, code]` of each diagnostic, for compact assertions. */
const where = (ds: Diagnostic[]) => ds.map((d) => [d.line, d.column, d.code]);

describe('parseQueueText', () => {
  it('reads recording policy, business hours and callback settings, and reports bad hours at their line', () => {
    const q = mustLoad(
      'queue: billing\nrecording: whole\nhours: { timezone: America/New_York, weekly: { mon-fri: "08:00-20:00" } }\ncallback: { connect: agent-first, slotCapacity: 2, retryEvery: 10m, maxAttempts: 4, expireAfter: 2h }\n',
    );
    assert.equal(q.definition.recording, 'whole');
    assert.deepEqual(q.definition.hours, { timezone: 'America/New_York', weekly: { 'mon-fri': '08:00-20:00' } });
    assert.deepEqual(q.definition.callback, { connect: 'agent-first', slotCapacity: 2, retryEveryMs: 600_000, maxAttempts: 4, expireAfterMs: 7_200_000 });
    const bad = parseQueueText('queue: billing\nhours:\n  timezone: Mars/Olympus\n  weekly: { mon-fry: "08:00-20:00" }\n', FILE);
    assert.equal(bad.ok, false);
    assert.deepEqual(where(bad.diagnostics), [
      [3, 13, 'invalid-timezone'],
      [4, 22, 'invalid-hours'],
    ]);
    const wrongPolicy = parseQueueText('queue: billing\nrecording: always\n', FILE);
    assert.equal(wrongPolicy.ok, false);
  });

  it('applies every default to a minimal file, and freezes the result', () => {
    const q = mustLoad('queue: billing\n');
    assert.deepEqual(
      { ...q.definition },
      {
        name: 'billing',
        description: '',
        skills: {},
        strategy: 'longest-idle',
        ringTimeoutMs: 20_000,
        wrapUpMs: 10_000,
        maxWaitMs: 600_000,
        whenMaxWait: { action: 'leave' },
        maxMissedOffers: 3,
        serviceLevel: { thresholdMs: 20_000, target: 80 },
        priority: { default: 0, vipNumbers: [], vipPriority: 10 },
        announce: { everyMs: 60_000, firstMs: 15_000, position: false, waitTime: false },
        defaultHandleTimeMs: 180_000,
        recording: 'none',
        callback: { connect: 'customer-first', slotCapacity: 5, retryEveryMs: 300_000, maxAttempts: 3, expireAfterMs: 86_400_000 },
        file: FILE,
        version: q.version,
      },
    );
    assert.match(q.version, /^[0-9a-f]{12}$/);
    assert.ok(Object.isFrozen(q.definition));
    assert.ok(Object.isFrozen(q.definition.priority.vipNumbers));
    assert.throws(() => {
      (q.definition.skills as Record<string, number>).x = 1;
    }, TypeError);
  });

  it('an `announce` block turns announcements on unless it says otherwise', () => {
    assert.deepEqual(mustLoad('queue: billing\nannounce: { every: 30s }\n').definition.announce, { everyMs: 30_000, firstMs: 15_000, position: true, waitTime: true });
    assert.deepEqual(mustLoad('queue: billing\nannounce: { waitTime: false }\n').definition.announce, { everyMs: 60_000, firstMs: 15_000, position: true, waitTime: false });
  });

  it('loads the shipped sample queues', async () => {
    const billing = mustLoad(await readFile('flows/queues/billing.yaml', 'utf8'), 'flows/queues/billing.yaml').definition;
    assert.deepEqual(billing.skills, { billing: 3 });
    assert.equal(billing.strategy, 'longest-idle');
    assert.equal(billing.ringTimeoutMs, 20_000);
    assert.equal(billing.wrapUpMs, 15_000);
    assert.equal(billing.maxWaitMs, 8 * 60_000);
    assert.deepEqual(billing.whenMaxWait, { action: 'overflow', queue: 'support' });
    assert.deepEqual(billing.serviceLevel, { thresholdMs: 20_000, target: 80 });
    assert.deepEqual(billing.priority.vipNumbers, ['+15555550123']);
    assert.deepEqual(billing.announce, { everyMs: 60_000, firstMs: 20_000, position: true, waitTime: true });

    const supportFile = 'flows/queues/support.yaml';
    const support = mustLoad(await readFile(supportFile, 'utf8'), supportFile).definition;
    assert.deepEqual(support.skills, { support: 2 });
    assert.equal(support.strategy, 'best-skill-match');
    assert.equal(support.maxWaitMs, 10 * 60_000);
    assert.deepEqual(support.whenMaxWait, { action: 'voicemail' });
    assert.equal(support.priority.fromVariable, 'order.priority');
    assert.deepEqual(support.priority.vipNumbers, ['+15555550123']);
  });

  it('unknown keys are errors at the key, with "did you mean"', () => {
    const ds = failures('queue: billing\nstratgy: ring-all\nannounce:\n  evry: 30s\n');
    assert.deepEqual(where(ds), [
      [2, 1, 'unknown-field'],
      [4, 3, 'unknown-field'],
    ]);
    assert.equal(formatDiagnostic(ds[0]!), `${FILE}:2:1: error: unknown field \`stratgy\` — did you mean \`strategy\`?`);
    assert.equal(formatDiagnostic(ds[1]!), `${FILE}:4:3: error: unknown field \`evry\` in \`announce\` — did you mean \`every\`?`);
  });

  it('an unknown strategy names the allowed ones and the closest', () => {
    const [d] = failures('queue: billing\nstrategy: round-robbin\n');
    assert.equal(
      formatDiagnostic(d!),
      `${FILE}:2:11: error: \`strategy\` must be one of longest-idle, round-robin, fewest-calls, ring-all, best-skill-match — did you mean \`round-robin\`?`,
    );
  });

  it('skills need a valid name and a proficiency from 1 to 10', () => {
    const ds = failures('queue: billing\nskills:\n  billing: 0\n  spanish: 11\n  "Tech Support": 5\n  french: 2.5\n');
    assert.deepEqual(where(ds), [
      [3, 12, 'invalid-value'],
      [4, 12, 'invalid-value'],
      [5, 3, 'invalid-name'],
      [6, 11, 'wrong-type'],
    ]);
    assert.equal(ds[0]!.message, '`skills.billing` must be a whole number from 1 to 10');
  });

  it('durations must parse and be positive (wrap-up may be zero)', () => {
    const ds = failures('queue: billing\nringTimeout: 20 s\nmaxWait: 0s\nwrapUp: 0s\nserviceLevel: { threshold: soon, target: 80 }\nannounce: { every: 30 }\n');
    // The schema runs first: a number where a duration string belongs is reported alone.
    assert.deepEqual(where(ds), [[6, 20, 'wrong-type']]);
    assert.equal(ds[0]!.hint, 'give it a unit: "30s"');

    const semantic = failures('queue: billing\nringTimeout: 20 s\nmaxWait: 0s\nwrapUp: 0s\nserviceLevel: { threshold: soon, target: 80 }\n');
    assert.deepEqual(where(semantic), [
      [2, 14, 'invalid-duration'],
      [3, 10, 'invalid-duration'],
      [5, 28, 'invalid-duration'],
    ]);
    assert.equal(semantic[1]!.message, '`maxWait` must be longer than zero');
    assert.equal(semantic[2]!.message, '`serviceLevel.threshold` is not a duration: "soon"');
    assert.equal(mustLoad('queue: billing\nwrapUp: 0s\n').definition.wrapUpMs, 0);
  });

  it('the queue name must equal the file name', () => {
    const [d] = failures('# billing\nqueue: biling\n');
    assert.equal(
      formatDiagnostic(d!),
      `${FILE}:2:8: error: queue \`biling\` is defined in a file named \`billing.yaml\` — the name must match the file: write \`queue: billing\`, or rename the file to \`biling.yaml\``,
    );
    assert.equal(queueNameOfFile('/x/flows/queues/vip-sales.yml'), 'vip-sales');
  });

  it('whenMaxWait: unknown actions, overflow without a queue, a queue without overflow, overflow to itself', () => {
    assert.deepEqual(
      failures('queue: billing\nwhenMaxWait: { action: overflw, queue: support }\n').map((d) => [d.line, d.column, d.message, d.hint]),
      [[2, 24, 'unknown action `overflw` in `whenMaxWait`', 'did you mean `overflow`?']],
    );
    // A missing field points at the key of the mapping that lacks it.
    assert.deepEqual(where(failures('queue: billing\nwhenMaxWait: { action: overflow }\n')), [[2, 1, 'missing-field']]);
    const [extra] = failures('queue: billing\nwhenMaxWait: { action: voicemail, queue: support }\n');
    assert.deepEqual([extra!.line, extra!.column, extra!.hint], [2, 35, '`queue` goes with `action: overflow`']);
    const [self] = failures('queue: billing\nwhenMaxWait:\n  action: overflow\n  queue: billing\n');
    assert.deepEqual([self!.line, self!.column, self!.code], [4, 10, 'overflow-cycle']);
  });

  it('serviceLevel.target is a percentage from 1 to 100', () => {
    const [d] = failures('queue: billing\nserviceLevel: { threshold: 20s, target: 120 }\n');
    assert.deepEqual([d!.line, d!.column, d!.message], [2, 41, '`serviceLevel.target` must be a percentage from 1 to 100']);
    assert.deepEqual(where(failures('queue: billing\nserviceLevel: { target: 90 }\n')), [[2, 1, 'missing-field']]);
  });

  it('VIP numbers are E.164 strings; fromVariable is a dotted path', () => {
    const ds = failures('queue: billing\npriority:\n  vipNumbers: ["+15555550123", "5555550123", 15555550123, "+15555550123"]\n  fromVariable: order..priority\n');
    assert.deepEqual(where(ds), [
      [3, 32, 'invalid-value'],
      [3, 46, 'wrong-type'],
      [3, 59, 'duplicate-value'],
      [4, 17, 'invalid-value'],
    ]);
    assert.equal(ds[0]!.message, '`priority.vipNumbers[1]` must be an E.164 number in quotes, such as "+15555550123"');
    assert.equal(ds[1]!.hint, 'quote it: "15555550123"');
    assert.equal(ds[3]!.message, '`priority.fromVariable` must be a dotted variable path such as `order.priority`');
    assert.equal(mustLoad('queue: billing\npriority: { fromVariable: crm.customer_tier }\n').definition.priority.fromVariable, 'crm.customer_tier');
  });

  it('warnings do not block loading', () => {
    const r = parseQueueText('queue: billing\nringTimeout: 5m\nmaxWait: 2m\npriority: { vipNumbers: ["+15555550123"], vipPriority: 0, fromVariable: vars.tier }\n', FILE);
    assert.ok(r.ok);
    assert.deepEqual(
      r.diagnostics.map((d) => [d.line, d.column, d.severity, d.code]),
      [
        [2, 14, 'warning', 'ring-exceeds-wait'],
        [4, 56, 'warning', 'vip-priority'],
        [4, 73, 'warning', 'variable-path'],
      ],
    );
    assert.equal(r.diagnostics[2]!.hint, 'write the variable path without `vars.`: `tier`');
  });

  it('YAML errors, empty files and a missing `queue` are positioned diagnostics', () => {
    assert.deepEqual(where(failures('queue: billing\nqueue: support\n')), [[2, 1, 'yaml-syntax']]);
    assert.deepEqual(where(failures('queue: [billing\n')), [[2, 1, 'yaml-syntax']]);
    assert.deepEqual(where(failures('# nothing here\n')), [[1, 1, 'empty-file']]);
    const [missing] = failures('strategy: ring-all\n');
    assert.equal(missing!.message, 'the queue file is missing `queue`');
    assert.deepEqual(where(failures('- queue: billing\n')), [[1, 1, 'wrong-type']]);
  });
});

describe('validateQueueSet', () => {
  const q = (name: string, extra = '') => mustLoad(`queue: ${name}\n${extra}`, `flows/queues/${name}.yaml`);
  const overflow = (to: string) => `whenMaxWait:\n  action: overflow\n  queue: ${to}\n`;

  it('accepts an overflow chain that ends', () => {
    assert.deepEqual(validateQueueSet([q('a', overflow('b')), q('b', overflow('c')), q('c')]), []);
  });

  it('an overflow to an unknown queue is an error at its `queue`, with "did you mean"', () => {
    const ds = validateQueueSet([q('billing', overflow('suport')), q('support')]);
    assert.deepEqual(
      ds.map(formatDiagnostic),
      ['flows/queues/billing.yaml:4:10: error: queue `billing` overflows to unknown queue `suport` — did you mean `support`?'],
    );
  });

  it('an overflow cycle is reported in every file of the cycle', () => {
    const ds = validateQueueSet([q('a', overflow('b')), q('b', overflow('c')), q('c', overflow('a')), q('d', overflow('a'))]);
    assert.deepEqual(
      ds.map((d) => [d.file, d.line, d.column, d.code]),
      [
        ['flows/queues/a.yaml', 4, 10, 'overflow-cycle'],
        ['flows/queues/b.yaml', 4, 10, 'overflow-cycle'],
        ['flows/queues/c.yaml', 4, 10, 'overflow-cycle'],
      ],
    );
    assert.match(ds[0]!.message, /`a` → `b` → `c` → `a`/);
  });

  it('two files defining one queue: the second is an error', () => {
    const yml = mustLoad('queue: a\n', 'flows/queues/a.yml');
    const ds = validateQueueSet([q('a'), yml]);
    assert.deepEqual(ds.map((d) => [d.file, d.code]), [['flows/queues/a.yml', 'duplicate-queue']]);
  });
});
