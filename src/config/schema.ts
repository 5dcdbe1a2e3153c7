import type { ApiToken } from './tokens-file.ts';

/**
 * The shape of Hotline's configuration and its JSON Schema. `load-config.ts` merges defaults,
 * an optional file and the environment into this shape and validates it once at boot.
 */

/** Which PBX Hotline drives. */
export type PbxKind = 'sim' | 'ari' | 'esl';

/** Validated, frozen configuration passed to {@link createApp}. */
export interface HotlineConfig {
  readonly port: number;
  readonly host: string;
  readonly pbx: PbxKind;
  /** Redis for sessions and flow versions; memory stores when absent. */
  readonly redisUrl?: string;
  readonly flowsDir: string;
  readonly soundsDir: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Bearer token for `/api/*`; generated at boot when not configured. */
  readonly adminToken: string;
  /** True when `adminToken` was generated (main prints it). */
  readonly adminTokenGenerated: boolean;
  /** Flow id answering numbers no flow claims. */
  readonly defaultFlow: string;
  /** Regular expressions a transfer target must match (one of). */
  readonly transferAllow: readonly string[];
  /** `${settings.<name>}` values for flows. */
  readonly settings: Readonly<Record<string, string>>;
  /** Simulated calls also follow wall time (the server default; tests and `simulate` use false). */
  readonly simRealtime: boolean;
  readonly ari?: { readonly url: string; readonly username: string; readonly password: string; readonly app: string };
  readonly esl?: {
    readonly host: string;
    readonly port: number;
    readonly password: string;
    readonly listen: string;
    /** Where FreeSWITCH writes recordings (a path on the FreeSWITCH host). */
    readonly recordingsDir?: string;
    /** The same directory as Hotline sees it (a shared volume); without it recordings' audio is not served. */
    readonly recordingsReadDir?: string;
  };
  /** Where the simulated PBX writes recordings' WAV files (default: a directory under the system temp dir). */
  readonly recordingsDir?: string;
  /** Recordings older than this many days are deleted (0: keep forever). */
  readonly recordingRetentionDays: number;
  /**
   * 64 hex digits (32 bytes) that encrypt secure variables (card numbers) inside stored call
   * snapshots. Give every node the same key so a call resumed elsewhere keeps them; without one
   * each process makes its own and such values are dropped on another node.
   */
  readonly secretKey?: string;
  /** Regular expressions (E.164) a callback number must match (one of); default: US/Canada numbers, no premium ones. */
  readonly callbackAllow?: readonly string[];
  /** Caller ID callbacks present to the customer (E.164); default: the PBX's own. */
  readonly callbackCallerId?: string;
  /** How long a callback rings the customer, in seconds. */
  readonly callbackRingSeconds: number;
  /** Callback attempts (calls) one node runs at once. */
  readonly callbackConcurrency: number;
  /** Lease of a claimed job, in seconds: a job whose node died is re-delivered this long after its last renewal. */
  readonly jobLeaseSeconds: number;
  /** How long ended calls stay readable, in seconds. */
  readonly endedCallRetentionSeconds: number;
  /**
   * Screen pop webhook: every call offered to an agent is POSTed there, signed with `secret`
   * (HMAC-SHA256; at least 16 characters, required with `url`).
   */
  readonly screenPop?: { readonly url?: string; readonly secret?: string };
  /** API tokens file (`HOTLINE_TOKENS_FILE`, YAML or JSON): supervisors, agents, more admins. */
  readonly tokensFile?: string;
  /** The tokens file's principals with token digests, validated at boot (empty without a file). */
  readonly apiTokens?: readonly ApiToken[];
}

/**
 * Default transfer allowlist: NANP numbers (optionally `+1`/`1`) except the 900 premium area
 * code and 976 premium exchanges, and 3–4 digit extensions. International numbers match neither.
 */
export const DEFAULT_TRANSFER_ALLOW: readonly string[] = [
  '^(?:\\+1|1)?(?!900)[2-9]\\d{2}(?!976)[2-9]\\d{6}$',
  '^\\d{3,4}$',
];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** JSON Schema of {@link HotlineConfig} (after merging; also what a config file may contain). */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['port', 'host', 'pbx', 'flowsDir', 'soundsDir', 'logLevel', 'defaultFlow', 'transferAllow', 'settings', 'simRealtime', 'endedCallRetentionSeconds', 'recordingRetentionDays', 'callbackRingSeconds', 'callbackConcurrency', 'jobLeaseSeconds'],
  properties: {
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    host: { type: 'string', minLength: 1 },
    pbx: { type: 'string', enum: ['sim', 'ari', 'esl'] },
    redisUrl: { type: 'string', pattern: '^rediss?://' },
    flowsDir: { type: 'string', minLength: 1 },
    soundsDir: { type: 'string', minLength: 1 },
    logLevel: { type: 'string', enum: LOG_LEVELS },
    adminToken: { type: 'string', minLength: 16 },
    adminTokenGenerated: { type: 'boolean' },
    defaultFlow: { type: 'string', minLength: 1 },
    transferAllow: { type: 'array', items: { type: 'string', minLength: 1 } },
    settings: { type: 'object', additionalProperties: { type: 'string' } },
    simRealtime: { type: 'boolean' },
    ari: {
      type: 'object',
      additionalProperties: false,
      properties: {
        url: { type: 'string', pattern: '^https?://' },
        username: { type: 'string', minLength: 1 },
        password: { type: 'string', minLength: 1 },
        app: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
      },
    },
    esl: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        password: { type: 'string', minLength: 1 },
        listen: { type: 'string', pattern: '^[^:\\s]+:\\d{1,5}$' },
        recordingsDir: { type: 'string', pattern: '^/[^\\s]*$' },
        recordingsReadDir: { type: 'string', minLength: 1 },
      },
    },
    recordingsDir: { type: 'string', minLength: 1 },
    recordingRetentionDays: { type: 'integer', minimum: 0, maximum: 36500 },
    secretKey: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
    callbackAllow: { type: 'array', items: { type: 'string', minLength: 1 } },
    callbackCallerId: { type: 'string', pattern: '^\\+?[0-9]{3,20}$' },
    callbackRingSeconds: { type: 'integer', minimum: 5, maximum: 120 },
    callbackConcurrency: { type: 'integer', minimum: 1, maximum: 1000 },
    jobLeaseSeconds: { type: 'integer', minimum: 2, maximum: 3600 },
    endedCallRetentionSeconds: { type: 'integer', minimum: 0, maximum: 30 * 24 * 3600 },
    screenPop: {
      type: 'object',
      additionalProperties: false,
      properties: {
        url: { type: 'string', pattern: '^https?://[^\\s]+$' },
        // Length is checked in the loader so the error never quotes the secret.
        secret: { type: 'string' },
      },
    },
    tokensFile: { type: 'string', minLength: 1 },
  },
} as const;
