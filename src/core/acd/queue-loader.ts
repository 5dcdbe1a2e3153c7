/**
 * Queue file loader: `flows/queues/<name>.yaml` text → a frozen {@link QueueDefinition}, or
 * diagnostics at `file:line:column`. One file at a time ({@link parseQueueText}); the checks that
 * span files (overflow targets, overflow cycles, duplicate names) are {@link validateQueueSet}.
 */
import { basename } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { diagnosticAt, hasErrors, sortDiagnostics } from '../flow/diagnostics.ts';
import type { Diagnostic, PositionLookup, SourcePosition } from '../flow/diagnostics.ts';
import { parseDuration } from '../flow/duration.ts';
import { createPositionLookup, flowVersion } from '../flow/loader.ts';
import { didYouMean } from '../flow/suggest.ts';
import type { QueueDefinition, QueueFile, QueueHours } from './queue-definition.ts';
import { expandWeekly } from '../eval/hours.ts';
import { validateQueueSchema } from './queue-schema-validate.ts';

/** Defaults applied to every field a queue file leaves out (docs/queues.md lists them). */
export const QUEUE_DEFAULTS = Object.freeze({
  strategy: 'longest-idle',
  ringTimeout: '20s',
  wrapUp: '10s',
  maxWait: '10m',
  maxMissedOffers: 3,
  serviceLevel: Object.freeze({ threshold: '20s', target: 80 }),
  priority: Object.freeze({ default: 0, vipPriority: 10 }),
  announce: Object.freeze({ every: '60s', first: '15s' }),
  defaultHandleTime: '3m',
  recording: 'none',
  callback: Object.freeze({ connect: 'customer-first', slotCapacity: 5, retryEvery: '5m', maxAttempts: 3, expireAfter: '24h' }),
} as const);

/** A queue file that parsed, passed the schema and its own checks; set checks have not run yet. */
export interface LoadedQueue extends PositionLookup {
  definition: QueueDefinition;
  /** The file as written. */
  doc: QueueFile;
  file: string;
  text: string;
  /** First 12 hex digits of the SHA-256 of `text` (also `definition.version`). */
  version: string;
}

/** Outcome of {@link parseQueueText}; `diagnostics` holds warnings when `ok`. */
export type QueueParseResult =
  | { ok: true; queue: LoadedQueue; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** True for a queue file name (`billing.yaml`, `billing.yml`). */
export function isQueueFileName(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

/** The queue name a file must define: its base name without the extension (`flows/queues/billing.yaml` → `billing`). */
export function queueNameOfFile(file: string): string {
  return basename(file).replace(/\.ya?ml$/i, '');
}

/**
 * Parses, schema-validates and checks one queue file, applying defaults.
 * @example
 * const r = parseQueueText(await readFile('flows/queues/billing.yaml', 'utf8'), 'flows/queues/billing.yaml');
 * if (r.ok) r.queue.definition.ringTimeoutMs; // 20000
 * else r.diagnostics.map(formatDiagnostic);  // ['flows/queues/billing.yaml:4:11: error: ...']
 */
export function parseQueueText(text: string, file: string): QueueParseResult {
  const lineCounter = new LineCounter();
  const yamlDoc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const fail = (diagnostics: Diagnostic[]): QueueParseResult => ({ ok: false, diagnostics: sortDiagnostics(diagnostics) });
  if (yamlDoc.errors.length > 0) {
    return fail(
      yamlDoc.errors.map((e) => ({
        file,
        ...at(e.pos[0]),
        severity: 'error' as const,
        code: 'yaml-syntax',
        message: e.code === 'DUPLICATE_KEY' ? 'duplicate key' : e.code === 'MULTIPLE_DOCS' ? 'a queue file holds one YAML document' : `YAML syntax: ${e.message.split('\n')[0]}`,
        ...(e.code === 'DUPLICATE_KEY' ? { hint: 'each key may appear once in a mapping' } : {}),
      })),
    );
  }
  let data: unknown;
  try {
    data = yamlDoc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Unresolved or runaway aliases only surface when converting.
    return fail([{ file, line: 1, column: 1, severity: 'error', code: 'yaml-syntax', message: err instanceof Error ? err.message : String(err) }]);
  }
  if (data === null || data === undefined) {
    return fail([{ file, line: 1, column: 1, severity: 'error', code: 'empty-file', message: 'the queue file is empty', hint: `a queue needs at least \`queue: ${queueNameOfFile(file)}\`` }]);
  }
  const lookup = createPositionLookup(yamlDoc, at);
  const schemaDiagnostics = validateQueueSchema(data, lookup, file);
  if (schemaDiagnostics.length > 0) return fail(schemaDiagnostics);
  const doc = data as QueueFile;
  const diagnostics = checkQueueFile(doc, lookup, file);
  if (hasErrors(diagnostics)) return fail(diagnostics);
  const version = flowVersion(text);
  const definition = buildDefinition(doc, file, version);
  return { ok: true, queue: { definition, doc, file, text, version, ...lookup }, diagnostics: sortDiagnostics(diagnostics) };
}

/**
 * Checks that span queue files: an overflow names a queue of the set, overflows do not loop
 * (`a → b → a`), and no two files define one name. Each finding is reported in every file it
 * concerns, so none of them loads. `alsoDefined` names queues whose files exist but failed on
 * their own (`hotline validate`): overflowing to them is not reported again.
 * @example
 * validateQueueSet([billing, support]); // [] when billing overflows to support and support does not overflow back
 */
export function validateQueueSet(queues: readonly LoadedQueue[], alsoDefined: readonly string[] = []): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byName = new Map<string, LoadedQueue>();
  for (const q of queues) {
    const first = byName.get(q.definition.name);
    if (first) {
      out.push(
        diagnosticAt(q, q.file, '/queue', {
          code: 'duplicate-queue',
          message: `queue \`${q.definition.name}\` is already defined in ${first.file}`,
          hint: 'keep one file per queue (`.yaml` or `.yml`, not both)',
        }),
      );
      continue;
    }
    byName.set(q.definition.name, q);
  }
  const target = (q: LoadedQueue): string | undefined => (q.definition.whenMaxWait.action === 'overflow' ? q.definition.whenMaxWait.queue : undefined);
  for (const q of byName.values()) {
    const to = target(q);
    if (to === undefined || byName.has(to) || alsoDefined.includes(to)) continue;
    const others = [...new Set([...byName.keys(), ...alsoDefined])].filter((n) => n !== q.definition.name);
    out.push(
      diagnosticAt(q, q.file, '/whenMaxWait/queue', {
        code: 'unknown-queue',
        message: `queue \`${q.definition.name}\` overflows to unknown queue \`${to}\``,
        hint: didYouMean(to, others) ?? `add flows/queues/${to}.yaml${others.length ? `, or overflow to one of: ${others.join(', ')}` : ''}`,
      }),
    );
  }
  // Follow each overflow chain; a name met twice closes a cycle.
  const reported = new Set<string>();
  for (const start of byName.values()) {
    const path: string[] = [];
    let cur: LoadedQueue | undefined = start;
    while (cur && !path.includes(cur.definition.name)) {
      path.push(cur.definition.name);
      const to = target(cur);
      cur = to === undefined ? undefined : byName.get(to);
    }
    if (!cur) continue;
    const cycle = path.slice(path.indexOf(cur.definition.name));
    // A self-overflow is reported by the file's own check.
    if (cycle.length < 2 || cycle.some((n) => reported.has(n))) continue;
    const shown = [...cycle, cycle[0]!].map((n) => `\`${n}\``).join(' → ');
    for (const name of cycle) {
      reported.add(name);
      const q = byName.get(name)!;
      out.push(
        diagnosticAt(q, q.file, '/whenMaxWait/queue', {
          code: 'overflow-cycle',
          message: `overflow cycle ${shown}: a caller would move between these queues forever`,
          hint: 'end the chain with `whenMaxWait: { action: leave }` (or voicemail, callback) in one of them',
        }),
      );
    }
  }
  return sortDiagnostics(out);
}

/** Checks within one file that the schema cannot express. */
function checkQueueFile(doc: QueueFile, lookup: PositionLookup, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (ptr: string, fields: { code: string; message: string; hint?: string; severity?: 'error' | 'warning'; atKey?: boolean }) =>
    out.push(diagnosticAt(lookup, file, ptr, fields));

  const expectedName = queueNameOfFile(file);
  if (doc.queue !== expectedName) {
    report('/queue', {
      code: 'queue-file-name',
      message: `queue \`${doc.queue}\` is defined in a file named \`${basename(file)}\``,
      hint: `the name must match the file: write \`queue: ${expectedName}\`, or rename the file to \`${doc.queue}.yaml\``,
    });
  }
  const durations: Array<[string, string | undefined, { zeroOk?: boolean }]> = [
    ['/ringTimeout', doc.ringTimeout, {}],
    ['/wrapUp', doc.wrapUp, { zeroOk: true }],
    ['/maxWait', doc.maxWait, {}],
    ['/serviceLevel/threshold', doc.serviceLevel?.threshold, {}],
    ['/announce/every', doc.announce?.every, {}],
    ['/announce/first', doc.announce?.first, {}],
    ['/defaultHandleTime', doc.defaultHandleTime, {}],
    ['/callback/retryEvery', doc.callback?.retryEvery, {}],
    ['/callback/expireAfter', doc.callback?.expireAfter, {}],
  ];
  for (const [ptr, value, { zeroOk }] of durations) {
    if (value === undefined) continue;
    const ms = durationMs(value);
    const name = ptr.slice(1).replace('/', '.');
    if (ms === undefined) {
      report(ptr, { code: 'invalid-duration', message: `\`${name}\` is not a duration: ${JSON.stringify(value)}`, hint: 'write a number and a unit: `500ms`, `20s`, `10m`, `1h`' });
    } else if (ms === 0 && !zeroOk) {
      report(ptr, { code: 'invalid-duration', message: `\`${name}\` must be longer than zero`, hint: 'give a positive duration such as `20s`' });
    }
  }
  if (doc.hours) out.push(...checkHours(doc.hours, lookup, file));
  const when = doc.whenMaxWait;
  if (when?.action === 'overflow' && when.queue === doc.queue) {
    report('/whenMaxWait/queue', {
      code: 'overflow-cycle',
      message: `queue \`${doc.queue}\` overflows to itself`,
      hint: 'overflow to another queue, or use `action: leave`, `voicemail` or `callback`',
    });
  }
  const ring = durationMs(doc.ringTimeout ?? QUEUE_DEFAULTS.ringTimeout);
  const maxWait = durationMs(doc.maxWait ?? QUEUE_DEFAULTS.maxWait);
  if (ring !== undefined && maxWait !== undefined && ring >= maxWait && maxWait > 0) {
    report(doc.ringTimeout !== undefined ? '/ringTimeout' : '/maxWait', {
      severity: 'warning',
      code: 'ring-exceeds-wait',
      message: `\`ringTimeout\` (${doc.ringTimeout ?? QUEUE_DEFAULTS.ringTimeout}) is not shorter than \`maxWait\` (${doc.maxWait ?? QUEUE_DEFAULTS.maxWait})`,
      hint: 'a caller would reach `maxWait` before one offer rings out',
    });
  }
  const p = doc.priority;
  if (p?.vipNumbers?.length && (p.vipPriority ?? QUEUE_DEFAULTS.priority.vipPriority) <= (p.default ?? QUEUE_DEFAULTS.priority.default)) {
    report(p.vipPriority !== undefined ? '/priority/vipPriority' : '/priority/vipNumbers', {
      severity: 'warning',
      code: 'vip-priority',
      message: '`priority.vipPriority` is not above `priority.default`: VIP callers would not go first',
      hint: 'raise `vipPriority` above `default`',
    });
  }
  if (p?.fromVariable?.startsWith('vars.')) {
    report('/priority/fromVariable', {
      severity: 'warning',
      code: 'variable-path',
      message: `\`priority.fromVariable\` names a variable \`vars\`: ${p.fromVariable}`,
      hint: `write the variable path without \`vars.\`: \`${p.fromVariable.slice('vars.'.length)}\``,
    });
  }
  return out;
}

/** Time zone and `HH:MM-HH:MM` ranges of a queue's `hours`, checked the way the flow `hours` step is. */
function checkHours(hours: QueueHours, lookup: PositionLookup, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: hours.timezone });
  } catch {
    out.push(diagnosticAt(lookup, file, '/hours/timezone', { code: 'invalid-timezone', message: `unknown time zone ${JSON.stringify(hours.timezone)}`, hint: 'use an IANA name such as `America/New_York`' }));
  }
  for (const [key, value] of Object.entries(hours.weekly)) {
    try {
      expandWeekly({ [key]: value });
    } catch (err) {
      out.push(diagnosticAt(lookup, file, `/hours/weekly/${key}`, { code: 'invalid-hours', message: `\`hours.weekly.${key}\`: ${err instanceof Error ? err.message : String(err)}`, hint: 'write days as `mon-fri` and ranges as `"08:00-20:00"`' }));
    }
  }
  return out;
}

function durationMs(value: string): number | undefined {
  try {
    return parseDuration(value);
  } catch {
    return undefined;
  }
}

/** Applies defaults and converts durations; only called on a file that passed every check. */
function buildDefinition(doc: QueueFile, file: string, version: string): QueueDefinition {
  const ms = (value: string | undefined, fallback: string): number => parseDuration(value ?? fallback);
  const when = doc.whenMaxWait ?? { action: 'leave' as const };
  const announce = doc.announce;
  const priority = doc.priority ?? {};
  return deepFreeze<QueueDefinition>({
    name: doc.queue,
    description: doc.description ?? '',
    skills: { ...(doc.skills ?? {}) },
    strategy: doc.strategy ?? QUEUE_DEFAULTS.strategy,
    ringTimeoutMs: ms(doc.ringTimeout, QUEUE_DEFAULTS.ringTimeout),
    wrapUpMs: ms(doc.wrapUp, QUEUE_DEFAULTS.wrapUp),
    maxWaitMs: ms(doc.maxWait, QUEUE_DEFAULTS.maxWait),
    whenMaxWait: when.action === 'overflow' ? { action: 'overflow', queue: when.queue } : { action: when.action },
    maxMissedOffers: doc.maxMissedOffers ?? QUEUE_DEFAULTS.maxMissedOffers,
    serviceLevel: {
      thresholdMs: ms(doc.serviceLevel?.threshold, QUEUE_DEFAULTS.serviceLevel.threshold),
      target: doc.serviceLevel?.target ?? QUEUE_DEFAULTS.serviceLevel.target,
    },
    priority: {
      default: priority.default ?? QUEUE_DEFAULTS.priority.default,
      vipNumbers: [...(priority.vipNumbers ?? [])],
      vipPriority: priority.vipPriority ?? QUEUE_DEFAULTS.priority.vipPriority,
      ...(priority.fromVariable !== undefined ? { fromVariable: priority.fromVariable } : {}),
    },
    announce: {
      everyMs: ms(announce?.every, QUEUE_DEFAULTS.announce.every),
      firstMs: ms(announce?.first, QUEUE_DEFAULTS.announce.first),
      // Writing an `announce` block asks for announcements; leaving it out means none.
      position: announce ? (announce.position ?? true) : false,
      waitTime: announce ? (announce.waitTime ?? true) : false,
    },
    defaultHandleTimeMs: ms(doc.defaultHandleTime, QUEUE_DEFAULTS.defaultHandleTime),
    recording: doc.recording ?? QUEUE_DEFAULTS.recording,
    ...(doc.hours ? { hours: structuredClone(doc.hours) } : {}),
    callback: {
      connect: doc.callback?.connect ?? QUEUE_DEFAULTS.callback.connect,
      slotCapacity: doc.callback?.slotCapacity ?? QUEUE_DEFAULTS.callback.slotCapacity,
      retryEveryMs: ms(doc.callback?.retryEvery, QUEUE_DEFAULTS.callback.retryEvery),
      maxAttempts: doc.callback?.maxAttempts ?? QUEUE_DEFAULTS.callback.maxAttempts,
      expireAfterMs: ms(doc.callback?.expireAfter, QUEUE_DEFAULTS.callback.expireAfter),
    },
    file,
    version,
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
