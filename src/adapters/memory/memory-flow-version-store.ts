import type { FlowVersionSource, FlowVersionStore } from '../../ports/stores.ts';

/** Flow versions in process memory (they live as long as the process, like its calls). */
export class MemoryFlowVersionStore implements FlowVersionStore {
  readonly #versions = new Map<string, FlowVersionSource>();

  /** Stores a version; a version is a content hash, so storing it again changes nothing. */
  async put(source: FlowVersionSource): Promise<void> {
    if (!this.#versions.has(source.version)) this.#versions.set(source.version, { ...source });
  }

  async get(version: string): Promise<FlowVersionSource | undefined> {
    const source = this.#versions.get(version);
    return source ? { ...source } : undefined;
  }
}
