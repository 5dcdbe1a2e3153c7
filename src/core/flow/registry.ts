/**
 * The live set of flows: loads `flows/*.yaml`, validates the whole set, compiles what is valid,
 * and hot-reloads on change. A file that fails never replaces the version already running, and
 * every version ever loaded stays available by version for the calls that started on it.
 */
import { hotlineError } from '../errors.ts';
import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';
import type { SoundLibrary } from '../../ports/sounds.ts';
import type { FlowVersionStore } from '../../ports/stores.ts';
import type { CompiledFlow } from './compiled.ts';
import { formatDiagnostic, hasErrors, sortDiagnostics } from './diagnostics.ts';
import type { Diagnostic } from './diagnostics.ts';
import { parseFlowText } from './loader.ts';
import type { LoadedFlow } from './loader.ts';
import { validateFlows } from './validate.ts';
import { isYamlName, listDir, logDiagnostics, notifyAll, oneAtATime, readText, watchDebounced } from './yaml-dir.ts';

/** Compiles one validated flow; `resolve` finds the flows its `subflow` steps name. */
export type FlowCompiler = (flow: LoadedFlow, resolve: (flowId: string) => LoadedFlow | undefined) => CompiledFlow;

export interface FlowRegistryOptions {
  /** Directory holding the flow files (`*.yaml`, `*.yml`; not recursive). */
  dir: string;
  compile: FlowCompiler;
  sounds?: SoundLibrary;
  /** Transfer allowlist patterns (see `ValidateOptions`). */
  transferAllow?: string[];
  /** Configured queue names (or a getter, so reloaded queue files count); omitted = queue names are not checked. */
  knownQueues?: readonly string[] | (() => readonly string[]);
  /** Queues with a recording policy (or a getter): a flow sending callers there records them. */
  recordedQueues?: readonly string[] | (() => readonly string[]);
  /** False when the PBX cannot silence a running recording (see `ValidateOptions.recordingPause`). */
  recordingPause?: boolean;
  /** Where version sources go so other processes can recompile them. */
  versions?: FlowVersionStore;
  logger?: Logger;
  /** Milliseconds since the epoch, for `storedAt`. Default `Date.now`. */
  now?: () => number;
  /** Quiet period after a file-system event before reloading. Default 200 ms. */
  debounceMs?: number;
}

/** Outcome of one (re)load. */
export interface FlowLoadResult {
  /** Ids of flows whose live version changed in this load (new or replaced). */
  loaded: string[];
  /** Every diagnostic of the set, including those of files that kept their previous version. */
  diagnostics: Diagnostic[];
}

interface LiveEntry {
  loaded: LoadedFlow;
  compiled: CompiledFlow;
}

/**
 * Serves compiled flows by number, id and version.
 * @example
 * const registry = new FlowRegistry({ dir: 'flows', compile: compileFlow, sounds });
 * const { diagnostics } = await registry.load();
 * const stop = registry.watch();
 * registry.byNumber('+18005550100'); // CompiledFlow | undefined
 */
export class FlowRegistry {
  private readonly options: FlowRegistryOptions;
  private readonly logger: Logger;
  /** Live flows by file path. */
  private live = new Map<string, LiveEntry>();
  private numbers = new Map<string, CompiledFlow>();
  private ids = new Map<string, CompiledFlow>();
  private readonly versions = new Map<string, CompiledFlow>();
  private diagnostics: Diagnostic[] = [];
  private readonly listeners = new Set<(result: FlowLoadResult) => void>();
  /** Loads run one at a time, in order. */
  private readonly serialLoad = oneAtATime(() => this.loadNow());

  constructor(options: FlowRegistryOptions) {
    this.options = options;
    this.logger = (options.logger ?? silentLogger).child({ component: 'flow-registry' });
  }

  /**
   * Reads, validates and compiles every flow file in the directory. Throws
   * `HOTLINE_ERR_CONFIG` when the directory cannot be read.
   */
  load(): Promise<FlowLoadResult> {
    return this.serialLoad();
  }

  /** The live flow answering `number`. */
  byNumber(number: string): CompiledFlow | undefined {
    return this.numbers.get(number);
  }

  /** The live flow with that id. */
  byId(id: string): CompiledFlow | undefined {
    return this.ids.get(id);
  }

  /** A version compiled in this process (live or not). */
  byVersionLocal(version: string): CompiledFlow | undefined {
    return this.versions.get(version);
  }

  /**
   * A version compiled in this process, else recompiled from the version store (a call resumed
   * on another node keeps the version it started with). Undefined when neither has it.
   */
  async byVersion(version: string): Promise<CompiledFlow | undefined> {
    const local = this.versions.get(version);
    if (local || !this.options.versions) return local;
    const source = await this.options.versions.get(version);
    if (!source) return undefined;
    const parsed = parseFlowText(source.text, source.file);
    if (!parsed.ok) {
      this.logger.error({ version, diagnostics: parsed.diagnostics.map(formatDiagnostic) }, 'stored flow version does not parse');
      return undefined;
    }
    try {
      const compiled = this.options.compile(parsed.flow, (id) => this.liveLoadedById(id));
      this.versions.set(version, compiled);
      if (!this.versions.has(compiled.version)) this.versions.set(compiled.version, compiled);
      return compiled;
    } catch (err) {
      this.logger.error({ version, err }, 'stored flow version does not compile');
      return undefined;
    }
  }

  /** Live flows, ordered by file. */
  list(): CompiledFlow[] {
    return [...this.live.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, e]) => e.compiled);
  }

  /** Diagnostics of the last load. */
  lastDiagnostics(): Diagnostic[] {
    return [...this.diagnostics];
  }

  /** Calls `listener` after every load; returns the unsubscribe function. */
  onReload(listener: (result: FlowLoadResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reloads when files in the directory change (debounced). Returns the function that stops
   * watching.
   */
  watch(): () => void {
    return watchDebounced(this.options.dir, {
      debounceMs: this.options.debounceMs ?? 200,
      onSettled: () => void this.load().catch((err: unknown) => this.logger.error({ err }, 'flow reload failed')),
      onError: (err) => this.logger.error({ err }, 'watching the flow directory failed'),
    });
  }

  private async loadNow(): Promise<FlowLoadResult> {
    const { dir } = this.options;
    let files: string[];
    try {
      files = await listDir(dir, (e) => isYamlName(e.name));
    } catch (err) {
      throw hotlineError('HOTLINE_ERR_CONFIG', `cannot read the flow directory ${dir}`, { dir }, err);
    }
    // Live files first: for duplicates (numbers, ids) the flow listed first wins, so a new file
    // cannot take a number from a running flow.
    const ordered = [...files.filter((f) => this.live.has(f)), ...files.filter((f) => !this.live.has(f))];

    const diagnostics: Diagnostic[] = [];
    const fresh = new Map<string, LoadedFlow>();
    const set: LoadedFlow[] = [];
    const fallback = new Set<string>();
    for (const file of ordered) {
      const read = await readText(file);
      if (!read.ok) {
        // Removed between listing and reading: treated as removed.
        if (!read.gone) diagnostics.push(read.diagnostic);
        continue;
      }
      const parsed = parseFlowText(read.text, file);
      if (parsed.ok) {
        fresh.set(file, parsed.flow);
        set.push(parsed.flow);
        continue;
      }
      diagnostics.push(...parsed.diagnostics);
      const previous = this.live.get(file);
      // Keep the running version in the set so flows using it as a subflow still validate.
      if (previous) {
        fallback.add(file);
        set.push(previous.loaded);
      }
    }
    const present = new Set(files);
    const checked = validateFlows(set, {
      sounds: this.options.sounds,
      transferAllow: this.options.transferAllow,
      ...(this.options.knownQueues === undefined
        ? {}
        : { knownQueues: typeof this.options.knownQueues === 'function' ? this.options.knownQueues() : this.options.knownQueues }),
      ...(this.options.recordedQueues === undefined
        ? {}
        : { recordedQueues: typeof this.options.recordedQueues === 'function' ? this.options.recordedQueues() : this.options.recordedQueues }),
      ...(this.options.recordingPause === undefined ? {} : { recordingPause: this.options.recordingPause }),
    }).filter((d) => !fallback.has(d.file));
    diagnostics.push(...checked);

    const accepted = new Map<string, LoadedFlow>();
    for (const [file, flow] of fresh) {
      if (!hasErrors(diagnostics.filter((d) => d.file === file))) accepted.set(file, flow);
    }
    const resolve = (id: string): LoadedFlow | undefined =>
      [...accepted.values()].find((f) => f.doc.id === id) ?? this.liveLoadedById(id);

    const loaded: string[] = [];
    const next = new Map<string, LiveEntry>();
    for (const [file, entry] of this.live) if (present.has(file)) next.set(file, entry);
    const setChanged = this.setChanged(fresh, present);
    for (const [file, flow] of accepted) {
      const previous = this.live.get(file);
      // Unchanged text and nothing else changed: keep the compiled machine as is.
      if (previous && previous.loaded.version === flow.version && !setChanged) continue;
      let compiled: CompiledFlow;
      try {
        compiled = this.options.compile(flow, resolve);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        diagnostics.push({ file, line: 1, column: 1, severity: 'error', code: 'compile-failed', message: `the flow could not be compiled: ${message}` });
        continue;
      }
      const known = this.versions.get(compiled.version);
      if (previous && previous.compiled.version === compiled.version) {
        next.set(file, { loaded: flow, compiled: previous.compiled });
        continue;
      }
      const live = known ?? compiled;
      this.versions.set(live.version, live);
      if (!this.versions.has(flow.version)) this.versions.set(flow.version, live);
      next.set(file, { loaded: flow, compiled: live });
      loaded.push(live.id);
      await this.store(flow, live);
    }
    for (const file of this.live.keys()) {
      if (!present.has(file)) this.logger.info({ file, flowId: this.live.get(file)!.compiled.id }, 'flow file removed; unloaded for new calls');
    }
    this.live = next;
    this.reindex();

    const sorted = sortDiagnostics(diagnostics);
    this.diagnostics = sorted;
    logDiagnostics(this.logger, sorted);
    if (loaded.length) this.logger.info({ flows: loaded }, 'flows loaded');
    const result: FlowLoadResult = { loaded, diagnostics: sorted };
    notifyAll(this.listeners, result, this.logger, 'flow reload listener failed');
    return result;
  }

  /** True when any file was added, removed or changed since the live set was built. */
  private setChanged(fresh: Map<string, LoadedFlow>, present: Set<string>): boolean {
    for (const file of this.live.keys()) if (!present.has(file)) return true;
    for (const [file, flow] of fresh) if (this.live.get(file)?.loaded.version !== flow.version) return true;
    return false;
  }

  private liveLoadedById(id: string): LoadedFlow | undefined {
    for (const entry of this.live.values()) if (entry.loaded.doc.id === id) return entry.loaded;
    return undefined;
  }

  private reindex(): void {
    this.numbers = new Map();
    this.ids = new Map();
    for (const { compiled } of this.live.values()) {
      this.ids.set(compiled.id, compiled);
      for (const n of compiled.numbers) if (!this.numbers.has(n)) this.numbers.set(n, compiled);
    }
  }

  private async store(flow: LoadedFlow, compiled: CompiledFlow): Promise<void> {
    const store = this.options.versions;
    if (!store) return;
    const storedAt = (this.options.now ?? Date.now)();
    // Stored under the text's own version (for subflows) and the compiled version (what calls record).
    const keys = new Set([flow.version, compiled.version]);
    for (const version of keys) {
      try {
        await store.put({ flowId: flow.doc.id, version, file: flow.file, text: flow.text, storedAt });
      } catch (err) {
        this.logger.warn({ err, version, flowId: flow.doc.id }, 'could not store the flow version');
      }
    }
  }
}
