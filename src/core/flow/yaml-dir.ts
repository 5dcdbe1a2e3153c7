/**
 * What the flow and queue registries (and `hotline validate`) share about a directory of YAML
 * files: listing it, reading a file into text or a `read-failed` diagnostic, watching it with a
 * debounce, and logging what a load found.
 */
import { watch as watchFs } from 'node:fs';
import type { Dirent, FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../ports/logger.ts';
import { formatDiagnostic } from './diagnostics.ts';
import type { Diagnostic } from './diagnostics.ts';

/** True for a `*.yaml` / `*.yml` name (any case). */
export function isYamlName(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

/**
 * Paths (`dir/name`) of the entries of `dir` that `accept` takes, sorted by name. File-system
 * errors (a missing directory too) are thrown as they come: each caller decides what they mean.
 * @example
 * await listDir('flows', (e) => isYamlName(e.name)); // ['flows/order-status.yaml', 'flows/support-line.yaml']
 */
export async function listDir(dir: string, accept: (entry: Dirent) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter(accept)
    .map((e) => e.name)
    .sort()
    .map((n) => join(dir, n));
}

/** A file's text, or why it could not be read. */
export type ReadText =
  | { ok: true; text: string }
  /** `gone`: the file no longer exists (removed since it was listed). */
  | { ok: false; gone: boolean; diagnostic: Diagnostic };

/**
 * Reads `file` as UTF-8; a failure becomes a `read-failed` error diagnostic at 1:1.
 * @example
 * const r = await readText('flows/support-line.yaml');
 * if (!r.ok && r.gone) // deleted between listing and reading
 */
export async function readText(file: string): Promise<ReadText> {
  try {
    return { ok: true, text: await readFile(file, 'utf8') };
  } catch (err) {
    return {
      ok: false,
      gone: (err as NodeJS.ErrnoException).code === 'ENOENT',
      diagnostic: { file, line: 1, column: 1, severity: 'error', code: 'read-failed', message: `cannot read the file: ${String((err as Error).message)}` },
    };
  }
}

/** Options of {@link watchDebounced}. */
export interface WatchDebouncedOptions {
  /** Quiet period after the last file-system event before `onSettled` runs. */
  debounceMs: number;
  /** Runs once a burst of events is over. */
  onSettled: () => void;
  /** The watcher failed after it started. */
  onError: (err: Error) => void;
}

/**
 * Watches `dir` and calls `onSettled` once events stop for `debounceMs`. Throws (as
 * `fs.watch` does) when the directory cannot be watched. Returns the function that stops
 * watching and drops a pending call.
 * @example
 * const stop = watchDebounced('flows', { debounceMs: 200, onSettled: () => void reload(), onError: (err) => log(err) });
 */
export function watchDebounced(dir: string, options: WatchDebouncedOptions): () => void {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined = watchFs(dir, () => {
    if (timer) clearTimeout(timer);
    // Editors save in bursts (write, rename, chmod): act once they are done.
    timer = setTimeout(() => {
      timer = undefined;
      options.onSettled();
    }, options.debounceMs);
  });
  watcher.on('error', options.onError);
  return () => {
    if (timer) clearTimeout(timer);
    watcher?.close();
    watcher = undefined;
  };
}

/** Logs each diagnostic of a load: errors at error level, warnings at warn. */
export function logDiagnostics(logger: Logger, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    if (d.severity === 'error') logger.error({ file: d.file, code: d.code }, formatDiagnostic(d));
    else logger.warn({ file: d.file, code: d.code }, formatDiagnostic(d));
  }
}

/** Calls every listener with `value`; one that throws is logged as `message` and the rest still run. */
export function notifyAll<T>(listeners: Iterable<(value: T) => void>, value: T, logger: Logger, message: string): void {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (err) {
      logger.error({ err }, message);
    }
  }
}

/**
 * Wraps `run` so that calls run one at a time, in call order: a reload never overlaps the one
 * before it. A failed run rejects its own caller only.
 * @example
 * const load = oneAtATime(() => loadNow());
 * await Promise.all([load(), load()]); // the second starts after the first settles
 */
export function oneAtATime<T>(run: () => Promise<T>): () => Promise<T> {
  let chain: Promise<unknown> = Promise.resolve();
  return () => {
    const next = chain.then(run);
    chain = next.catch(() => undefined);
    return next;
  };
}
