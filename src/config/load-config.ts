import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { hotlineError } from '../core/errors.ts';
import { configSchema, DEFAULT_TRANSFER_ALLOW, type HotlineConfig } from './schema.ts';
import { loadTokensFile, tokenDigest } from './tokens-file.ts';

/** Where configuration comes from. Defaults to the process environment. */
export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
}

/** Environment variable → dotted config path. */
const ENV_PATHS: Record<string, string> = {
  PORT: 'port',
  HOST: 'host',
  PBX: 'pbx',
  REDIS_URL: 'redisUrl',
  FLOWS_DIR: 'flowsDir',
  SOUNDS_DIR: 'soundsDir',
  LOG_LEVEL: 'logLevel',
  HOTLINE_ADMIN_TOKEN: 'adminToken',
  DEFAULT_FLOW: 'defaultFlow',
  TRANSFER_ALLOW: 'transferAllow',
  SIM_REALTIME: 'simRealtime',
  ARI_URL: 'ari.url',
  ARI_USERNAME: 'ari.username',
  ARI_PASSWORD: 'ari.password',
  ARI_APP: 'ari.app',
  ESL_HOST: 'esl.host',
  ESL_PORT: 'esl.port',
  ESL_PASSWORD: 'esl.password',
  ESL_LISTEN: 'esl.listen',
  ENDED_CALL_RETENTION: 'endedCallRetentionSeconds',
  SCREEN_POP_URL: 'screenPop.url',
  SCREEN_POP_SECRET: 'screenPop.secret',
  HOTLINE_TOKENS_FILE: 'tokensFile',
  RECORDINGS_DIR: 'recordingsDir',
  RECORDING_RETENTION_DAYS: 'recordingRetentionDays',
  ESL_RECORDINGS_DIR: 'esl.recordingsDir',
  ESL_RECORDINGS_READ_DIR: 'esl.recordingsReadDir',
  HOTLINE_SECRET_KEY: 'secretKey',
  CALLBACK_ALLOW: 'callbackAllow',
  CALLBACK_CALLER_ID: 'callbackCallerId',
  CALLBACK_RING_SECONDS: 'callbackRingSeconds',
  CALLBACK_CONCURRENCY: 'callbackConcurrency',
  JOB_LEASE_SECONDS: 'jobLeaseSeconds',
};

const INTEGER_PATHS = new Set(['port', 'esl.port', 'endedCallRetentionSeconds', 'recordingRetentionDays', 'callbackRingSeconds', 'callbackConcurrency', 'jobLeaseSeconds']);
const BOOLEAN_PATHS = new Set(['simRealtime']);

let validator: ReturnType<Ajv['compile']> | undefined;

/**
 * Builds the configuration: defaults < file (`HOTLINE_CONFIG`, JSON or YAML) < environment,
 * validated against {@link configSchema} and deep-frozen. Throws `HOTLINE_ERR_CONFIG` with a
 * sentence naming the variable (or file key) at fault.
 *
 * @example
 * const config = loadConfig({ env: { PORT: '9000', PBX: 'sim' } });
 */
export function loadConfig(options: LoadConfigOptions = {}): HotlineConfig {
  const env = options.env ?? process.env;
  // Names used in error messages: env var names for values from the environment.
  const sources = new Map<string, string>();
  const merged: Record<string, unknown> = {
    port: 8080,
    host: '127.0.0.1',
    pbx: 'sim',
    flowsDir: 'flows',
    soundsDir: 'sounds',
    logLevel: 'info',
    defaultFlow: 'support-line',
    transferAllow: [...DEFAULT_TRANSFER_ALLOW],
    settings: {},
    simRealtime: true,
    endedCallRetentionSeconds: 3600,
    recordingRetentionDays: 90,
    callbackRingSeconds: 30,
    callbackConcurrency: 50,
    jobLeaseSeconds: 30,
  };

  const file = env.HOTLINE_CONFIG;
  if (file) {
    for (const [key, value] of Object.entries(readConfigFile(file))) {
      merged[key] = value && typeof value === 'object' && !Array.isArray(value) && merged[key] && typeof merged[key] === 'object' && !Array.isArray(merged[key])
        ? { ...(merged[key] as object), ...(value as object) }
        : value;
      sources.set(key, `${key} (in ${file})`);
    }
  }

  for (const [name, path] of Object.entries(ENV_PATHS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(merged, path, coerce(path, raw));
    sources.set(path.replace('.', '/'), name);
    sources.set(path, name);
  }
  const settings = { ...(merged.settings as Record<string, string>) };
  for (const [name, value] of Object.entries(env)) {
    const m = /^HOTLINE_SETTING_([A-Z0-9_]+)$/i.exec(name);
    if (m && value !== undefined) settings[m[1]!.toLowerCase()] = value;
  }
  merged.settings = settings;

  validator ??= new Ajv({ allErrors: true, strict: false }).compile(configSchema);
  if (!validator(merged)) {
    const messages = (validator.errors ?? []).map((e) => describeError(e, merged, sources));
    throw hotlineError('HOTLINE_ERR_CONFIG', [...new Set(messages)].join('; '), { errors: [...new Set(messages)] });
  }

  const crossErrors = crossCheck(merged);
  if (crossErrors.length > 0) throw hotlineError('HOTLINE_ERR_CONFIG', crossErrors.join('; '), { errors: crossErrors });

  const apiTokens = typeof merged.tokensFile === 'string' ? loadTokensFile(merged.tokensFile) : [];
  if (typeof merged.adminToken === 'string') {
    const admin = tokenDigest(merged.adminToken);
    const twin = apiTokens.find((t) => t.tokenSha256 === admin);
    if (twin) throw hotlineError('HOTLINE_ERR_CONFIG', `HOTLINE_TOKENS_FILE ${merged.tokensFile as string}: "${twin.name}" has the admin token (HOTLINE_ADMIN_TOKEN); give it its own`);
  }
  merged.apiTokens = apiTokens;

  if (!merged.adminToken) {
    merged.adminToken = randomBytes(24).toString('base64url');
    merged.adminTokenGenerated = true;
  } else {
    merged.adminTokenGenerated = false;
  }
  if (!settings.crm_url) settings.crm_url = `http://127.0.0.1:${merged.port as number}/demo/crm`;
  if (merged.ari) merged.ari = { app: 'hotline', ...(merged.ari as object) };
  if (merged.esl) merged.esl = { port: 8021, listen: '127.0.0.1:8084', ...(merged.esl as object) };
  return deepFreeze(merged) as unknown as HotlineConfig;
}

/**
 * The configuration with secrets replaced, for the boot log.
 */
export function redactedConfig(config: HotlineConfig): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, any>;
  copy.adminToken = '[Redacted]';
  if (copy.ari) copy.ari.password = '[Redacted]';
  if (copy.esl) copy.esl.password = '[Redacted]';
  if (copy.screenPop?.secret !== undefined) copy.screenPop.secret = '[Redacted]';
  if (copy.secretKey !== undefined) copy.secretKey = '[Redacted]';
  // Who may call the API is worth logging; even the digests of their tokens are not.
  if (Array.isArray(copy.apiTokens)) copy.apiTokens = copy.apiTokens.map(({ tokenSha256: _digest, ...principal }: Record<string, unknown>) => principal);
  if (typeof copy.redisUrl === 'string') copy.redisUrl = copy.redisUrl.replace(/\/\/[^@/]*@/, '//[Redacted]@');
  return copy;
}

/**
 * Splits `TRANSFER_ALLOW` on commas that are not inside `{}`, `[]` or `()`, so `^\d{3,4}$` stays whole.
 */
export function splitRegexList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      current += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '{' || c === '[' || c === '(') depth++;
    if ((c === '}' || c === ']' || c === ')') && depth > 0) depth--;
    if (c === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  out.push(current.trim());
  return out.filter((s) => s.length > 0);
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw hotlineError('HOTLINE_ERR_CONFIG', `HOTLINE_CONFIG file ${file} cannot be read: ${(err as Error).message}`, { file }, err);
  }
  let parsed: unknown;
  try {
    parsed = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw hotlineError('HOTLINE_ERR_CONFIG', `HOTLINE_CONFIG file ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message}`, { file }, err);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw hotlineError('HOTLINE_ERR_CONFIG', `HOTLINE_CONFIG file ${file} must contain an object of settings`, { file });
  }
  return parsed as Record<string, unknown>;
}

function coerce(path: string, raw: string): unknown {
  // Values that do not parse stay strings so the schema reports them with the original text.
  if (INTEGER_PATHS.has(path)) return /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (BOOLEAN_PATHS.has(path)) {
    const v = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    return raw;
  }
  if (path === 'transferAllow' || path === 'callbackAllow') return splitRegexList(raw);
  return raw;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!node[part] || typeof node[part] !== 'object') node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

function schemaAt(pointer: string): Record<string, any> | undefined {
  let node: any = configSchema;
  for (const part of pointer.split('/').filter(Boolean)) {
    node = node?.properties?.[part] ?? (typeof node?.additionalProperties === 'object' ? node.additionalProperties : node?.items);
  }
  return node;
}

function describeError(e: ErrorObject, merged: Record<string, unknown>, sources: Map<string, string>): string {
  const pointer = e.instancePath;
  const key = pointer.split('/').filter(Boolean);
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return `unknown setting \`${[...key, extra].join('.')}\``;
  }
  const name = sources.get(key.join('/')) ?? sources.get(key[0] ?? '') ?? key.join('.');
  const value = key.reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], merged);
  const got = `(got ${JSON.stringify(value)})`;
  const schema = schemaAt(pointer);
  if (schema?.type === 'integer') return `${name} must be an integer from ${schema.minimum} to ${schema.maximum} ${got}`;
  if (schema?.enum) return `${name} must be one of ${schema.enum.join(', ')} ${got}`;
  if (schema?.type === 'boolean') return `${name} must be true or false ${got}`;
  if (e.keyword === 'pattern' && name.endsWith('URL')) return `${name} must be a ${name === 'REDIS_URL' ? 'redis:// or rediss://' : 'http:// or https://'} URL ${got}`;
  return `${name} ${e.message ?? 'is invalid'} ${got}`;
}

function crossCheck(c: Record<string, any>): string[] {
  const errors: string[] = [];
  if (c.pbx === 'ari') {
    const missing = ['url', 'username', 'password'].filter((k) => !c.ari?.[k]).map((k) => `ARI_${k.toUpperCase()}`);
    if (missing.length) errors.push(`PBX=ari needs ARI_URL, ARI_USERNAME and ARI_PASSWORD (missing: ${missing.join(', ')})`);
  }
  if (c.pbx === 'esl') {
    if (!c.esl?.host) errors.push('PBX=esl needs ESL_HOST');
    if (!c.esl?.password) errors.push('PBX=esl needs ESL_PASSWORD');
  }
  if (typeof c.esl?.password === 'string' && c.esl.password.toLowerCase() === 'cluecon') {
    errors.push('ESL_PASSWORD must not be the FreeSWITCH default "ClueCon": set a strong password in event_socket.conf.xml and here');
  }
  if (c.screenPop?.url && !c.screenPop.secret) {
    errors.push('SCREEN_POP_URL needs SCREEN_POP_SECRET: a shared secret of at least 16 characters the receiver verifies signatures with');
  }
  if (typeof c.screenPop?.secret === 'string' && c.screenPop.secret.length < 16) {
    errors.push(`SCREEN_POP_SECRET must be at least 16 characters (got ${c.screenPop.secret.length})`);
  }
  for (const source of c.transferAllow as string[]) {
    try {
      new RegExp(source);
    } catch (err) {
      errors.push(`TRANSFER_ALLOW entry ${JSON.stringify(source)} is not a valid regular expression: ${(err as Error).message}`);
    }
  }
  for (const source of (c.callbackAllow as string[] | undefined) ?? []) {
    try {
      new RegExp(source);
    } catch (err) {
      errors.push(`CALLBACK_ALLOW entry ${JSON.stringify(source)} is not a valid regular expression: ${(err as Error).message}`);
    }
  }
  return errors;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
