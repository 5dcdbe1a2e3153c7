/**
 * The live set of queues: loads `flows/queues/*.yaml`, checks each file and the set, and
 * hot-reloads on change. A file that fails never replaces the definition already running (nor
 * brings back a queue whose file was deleted and reappears broken without its last good
 * definition); a deleted file removes its queue.
 */
import { hotlineError } from '../errors.ts';
import { hasErrors, sortDiagnostics } from '../flow/diagnostics.ts';
import type { Diagnostic } from '../flow/diagnostics.ts';
import { listDir, logDiagnostics, notifyAll, oneAtATime, readText, watchDebounced } from '../flow/yaml-dir.ts';
import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';
import type { QueueDefinition } from './queue-definition.ts';
import { isQueueFileName, parseQueueText, validateQueueSet } from './queue-loader.ts';
import type { LoadedQueue } from './queue-loader.ts';

export interface QueueRegistryOptions {
  /** Directory holding the queue files (`flows/queues`; `*.yaml`, `*.yml`; not recursive). A missing directory means no queues. */
  dir: string;
  logger?: Logger;
  /** Quiet period after a file-system event before reloading. Default 200 ms. */
  debounceMs?: number;
}

/** Outcome of one (re)load. */
export interface QueueLoadResult {
  /** Queues that appeared in this load. */
  added: string[];
  /** Queues whose definition was replaced. */
  updated: string[];
  /** Queues whose file was deleted. */
  removed: string[];
  /** Every diagnostic of the set, including those of files that kept their previous definition. */
  diagnostics: Diagnostic[];
}

/** What {@link QueueRegistry.onChange} listeners get: the load result and the live queues after it. */
export interface QueueChange extends QueueLoadResult {
  queues: readonly QueueDefinition[];
}

/**
 * Serves queue definitions by name.
 * @example
 * const queues = new QueueRegistry({ dir: 'flows/queues', logger });
 * await queues.load();
 * const stop = queues.watch();
 * queues.onChange(({ queues: defs }) => acdStore.setQueues(defs.map(toRouting)));
 * queues.get('billing')?.ringTimeoutMs; // 20000
 */
export class QueueRegistry {
  private readonly options: QueueRegistryOptions;
  private readonly logger: Logger;
  /** Live queues by file path. */
  private live = new Map<string, LoadedQueue>();
  /** Last definition that loaded from each file, kept after the file is deleted. */
  private readonly lastGood = new Map<string, LoadedQueue>();
  private byName = new Map<string, QueueDefinition>();
  private diagnostics: Diagnostic[] = [];
  private readonly listeners = new Set<(change: QueueChange) => void>();
  /** Loads run one at a time, in order. */
  private readonly serialLoad = oneAtATime(() => this.loadNow());

  constructor(options: QueueRegistryOptions) {
    this.options = options;
    this.logger = (options.logger ?? silentLogger).child({ component: 'queue-registry' });
  }

  /**
   * Reads and checks every queue file and swaps in what is valid. Throws `HOTLINE_ERR_CONFIG`
   * when the directory exists but cannot be read.
   */
  load(): Promise<QueueLoadResult> {
    return this.serialLoad();
  }

  /** The live queue with that name. */
  get(name: string): QueueDefinition | undefined {
    return this.byName.get(name);
  }

  /** Live queues, ordered by name. */
  list(): QueueDefinition[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Names of the live queues, sorted (what the flow checks get as `queues`). */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** Diagnostics of the last load. */
  lastDiagnostics(): Diagnostic[] {
    return [...this.diagnostics];
  }

  /**
   * Calls `listener` after every load that added, replaced or removed a queue; returns the
   * unsubscribe function. A listener that throws is logged and does not stop the others.
   */
  onChange(listener: (change: QueueChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reloads when files in the directory change (debounced). Returns the function that stops
   * watching. A directory that does not exist is not watched (logged once; restart to pick it up).
   */
  watch(): () => void {
    try {
      return watchDebounced(this.options.dir, {
        debounceMs: this.options.debounceMs ?? 200,
        onSettled: () => void this.load().catch((err: unknown) => this.logger.error({ err }, 'queue reload failed')),
        onError: (err) => this.logger.error({ err }, 'watching the queue directory failed'),
      });
    } catch (err) {
      this.logger.warn({ err, dir: this.options.dir }, 'cannot watch the queue directory; queue files are not hot-reloaded');
      return () => {};
    }
  }

  private async loadNow(): Promise<QueueLoadResult> {
    const { dir } = this.options;
    let files: string[];
    try {
      files = await listDir(dir, (e) => e.isFile() && isQueueFileName(e.name));
    } catch (err) {
      // Queues are optional: no directory, no queues.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw hotlineError('HOTLINE_ERR_CONFIG', `cannot read the queue directory ${dir}`, { dir }, err);
      files = [];
    }
    const diagnostics: Diagnostic[] = [];
    const fresh = new Map<string, LoadedQueue>();
    const set: LoadedQueue[] = [];
    const fallback = new Set<string>();
    const present = new Set<string>();
    // Live files first: of two files defining one name, the running one wins.
    const ordered = [...files.filter((f) => this.live.has(f)), ...files.filter((f) => !this.live.has(f))];
    for (const file of ordered) {
      const read = await readText(file);
      // Removed between listing and reading: treated as removed.
      if (!read.ok && read.gone) continue;
      present.add(file);
      if (!read.ok) {
        diagnostics.push(read.diagnostic);
        this.keepPrevious(file, set, fallback);
        continue;
      }
      const parsed = parseQueueText(read.text, file);
      diagnostics.push(...parsed.diagnostics);
      if (parsed.ok) {
        fresh.set(file, parsed.queue);
        set.push(parsed.queue);
      } else {
        this.keepPrevious(file, set, fallback);
      }
    }
    diagnostics.push(...validateQueueSet(set).filter((d) => !fallback.has(d.file)));

    const next = new Map<string, LoadedQueue>();
    for (const queue of set) {
      const file = queue.file;
      const accepted = fresh.get(file) === queue && !hasErrors(diagnostics.filter((d) => d.file === file));
      const keep = accepted ? queue : (this.live.get(file) ?? (fallback.has(file) ? queue : this.lastGood.get(file)));
      if (keep) next.set(file, keep);
    }
    for (const [file, queue] of next) if (fresh.get(file) === queue) this.lastGood.set(file, queue);

    const before = new Map([...this.live.values()].map((q) => [q.definition.name, q.version]));
    const after = new Map([...next.values()].map((q) => [q.definition.name, q.version]));
    const added = [...after.keys()].filter((n) => !before.has(n)).sort();
    const updated = [...after.keys()].filter((n) => before.has(n) && before.get(n) !== after.get(n)).sort();
    const removed = [...before.keys()].filter((n) => !after.has(n)).sort();
    for (const [file, q] of this.live) {
      if (!present.has(file)) this.logger.info({ file, queue: q.definition.name }, 'queue file removed; queue unloaded');
    }
    this.live = next;
    this.byName = new Map([...next.values()].map((q) => [q.definition.name, q.definition]));

    const sorted = sortDiagnostics(diagnostics);
    this.diagnostics = sorted;
    logDiagnostics(this.logger, sorted);
    const result: QueueLoadResult = { added, updated, removed, diagnostics: sorted };
    if (added.length || updated.length || removed.length) {
      this.logger.info({ added, updated, removed }, 'queues loaded');
      const change: QueueChange = { ...result, queues: this.list() };
      notifyAll(this.listeners, change, this.logger, 'queue change listener failed');
    }
    return result;
  }

  /**
   * A file that failed keeps its running definition; one that was deleted and came back broken
   * gets its last good definition back (an editor's delete-and-write save, seen half done).
   */
  private keepPrevious(file: string, set: LoadedQueue[], fallback: Set<string>): void {
    const previous = this.live.get(file) ?? this.lastGood.get(file);
    if (!previous) return;
    fallback.add(file);
    set.push(previous);
  }
}
