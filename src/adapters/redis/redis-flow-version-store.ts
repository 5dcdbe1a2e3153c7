import type { FlowVersionSource, FlowVersionStore } from '../../ports/stores.ts';
import { hotlineError } from '../../core/errors.ts';
import type { RedisLike } from './redis-like.ts';

/**
 * Flow versions in Redis under `hotline:flow-version:<version>`, without expiry: a call resumed
 * on another node (or after a restart) must find the version it started with.
 */
export class RedisFlowVersionStore implements FlowVersionStore {
  readonly #redis: RedisLike;
  readonly #prefix: string;

  constructor(redis: RedisLike, options: { keyPrefix?: string } = {}) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix ?? 'hotline:';
  }

  key(version: string): string {
    return `${this.#prefix}flow-version:${version}`;
  }

  /** Stores a version once (`SET NX`): a version is a content hash, the first copy is as good as any. */
  async put(source: FlowVersionSource): Promise<void> {
    try {
      await this.#redis.sendCommand(['SET', this.key(source.version), JSON.stringify(source), 'NX']);
    } catch (err) {
      throw hotlineError('HOTLINE_ERR_STORE', 'Redis put of a flow version failed', { version: source.version }, err);
    }
  }

  async get(version: string): Promise<FlowVersionSource | undefined> {
    let json: unknown;
    try {
      json = await this.#redis.sendCommand(['GET', this.key(version)]);
    } catch (err) {
      throw hotlineError('HOTLINE_ERR_STORE', 'Redis get of a flow version failed', { version }, err);
    }
    if (json == null) return undefined;
    try {
      return JSON.parse(String(json)) as FlowVersionSource;
    } catch (err) {
      throw hotlineError('HOTLINE_ERR_STORE', `the stored flow version ${version} is not valid JSON`, { version }, err);
    }
  }
}
