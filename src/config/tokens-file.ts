import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { hotlineError } from '../core/errors.ts';
import type { Principal, Role } from '../ports/audit.ts';

/**
 * One API token from the tokens file: who it speaks for and the SHA-256 of the secret. The
 * secret itself is never kept once its digest is taken.
 */
export interface ApiToken extends Principal {
  /** Lower-case hex SHA-256 of the bearer token. */
  readonly tokenSha256: string;
}

const ROLES: readonly Role[] = ['admin', 'supervisor', 'agent'];
const FIELDS = ['name', 'role', 'queues', 'agentId', 'token', 'tokenSha256'];
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const QUEUE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const AGENT_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
/** Actors the audit log already uses for other things. */
const RESERVED_NAMES = ['admin', 'retention'];
const MIN_TOKEN_LENGTH = 16;

/** Lower-case hex SHA-256 of a token (what `tokenSha256` holds: `printf %s "$TOKEN" | sha256sum`). */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Reads and validates the tokens file (`HOTLINE_TOKENS_FILE`, YAML or JSON): a list of
 * `{ name, role, queues?, agentId?, token | tokenSha256 }` (or `{ tokens: [...] }`). Throws one
 * `HOTLINE_ERR_CONFIG` listing every problem; messages name entries and fields, never a token.
 *
 * @example
 * const tokens = loadTokensFile('/etc/hotline/tokens.yaml');
 */
export function loadTokensFile(file: string): ApiToken[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw hotlineError('HOTLINE_ERR_CONFIG', `HOTLINE_TOKENS_FILE ${file} cannot be read: ${(err as Error).message}`, { file }, err);
  }
  let data: unknown;
  const json = /\.json$/i.test(file);
  try {
    data = json ? JSON.parse(text) : parseYaml(text);
  } catch {
    // The parser's message may quote the offending line, which may hold a token.
    throw hotlineError('HOTLINE_ERR_CONFIG', `HOTLINE_TOKENS_FILE ${file} is not valid ${json ? 'JSON' : 'YAML'}`, { file });
  }
  return parseTokens(data, `HOTLINE_TOKENS_FILE ${file}`);
}

/**
 * Validates parsed tokens-file content; `where` prefixes every error message.
 * @example
 * parseTokens([{ name: 'sue', role: 'supervisor', queues: ['billing'], token: '…16+ chars…' }], 'tokens');
 */
export function parseTokens(data: unknown, where: string): ApiToken[] {
  const list = data && typeof data === 'object' && !Array.isArray(data) && 'tokens' in data ? (data as { tokens: unknown }).tokens : data;
  if (!Array.isArray(list)) {
    throw hotlineError('HOTLINE_ERR_CONFIG', `${where} must contain a list of tokens ({ name, role, token | tokenSha256, ... })`);
  }
  const errors: string[] = [];
  const tokens: ApiToken[] = [];
  const names = new Map<string, number>();
  const digests = new Map<string, string>();
  list.forEach((raw, index) => {
    const label = entryLabel(raw, index);
    const problems: string[] = [];
    const token = checkEntry(raw, problems);
    for (const p of problems) errors.push(`${label}: ${p}`);
    if (!token) return;
    const seen = names.get(token.name);
    if (seen !== undefined) errors.push(`${label}: name "${token.name}" is already used by entry ${seen}`);
    else names.set(token.name, index + 1);
    const twin = digests.get(token.tokenSha256);
    if (twin !== undefined) errors.push(`${label}: has the same token as "${twin}" (every principal needs its own)`);
    else digests.set(token.tokenSha256, token.name);
    tokens.push(token);
  });
  if (errors.length > 0) throw hotlineError('HOTLINE_ERR_CONFIG', `${where}: ${errors.join('; ')}`, { errors });
  return tokens;
}

function entryLabel(raw: unknown, index: number): string {
  const name = raw && typeof raw === 'object' ? (raw as { name?: unknown }).name : undefined;
  return typeof name === 'string' && NAME.test(name) ? `entry ${index + 1} ("${name}")` : `entry ${index + 1}`;
}

function checkEntry(raw: unknown, problems: string[]): ApiToken | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('must be an object { name, role, token | tokenSha256, ... }');
    return undefined;
  }
  const e = raw as Record<string, unknown>;
  for (const key of Object.keys(e)) {
    if (!FIELDS.includes(key)) problems.push(`unknown field ${JSON.stringify(key.slice(0, 40))} (expected ${FIELDS.join(', ')})`);
  }
  const { name, role, queues, agentId } = e;
  if (typeof name !== 'string' || !NAME.test(name)) problems.push('`name` must be 1 to 64 letters, digits, `_`, `.` or `-`');
  else if (RESERVED_NAMES.includes(name)) problems.push(`\`name\` "${name}" is reserved (${RESERVED_NAMES.join(', ')})`);
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) problems.push(`\`role\` must be one of ${ROLES.join(', ')}`);

  if (role === 'supervisor') {
    if (queues === undefined) problems.push('a supervisor needs `queues` (a list of queue names, or "*" for all)');
    else if (queues !== '*' && !validQueues(queues)) problems.push('`queues` must be "*" or a non-empty list of distinct queue names (lower-case letters, digits, -)');
  } else if (queues !== undefined) {
    problems.push(`\`queues\` is for supervisors only (${role === 'admin' ? 'admins act on every queue' : 'agents act on their own agent'})`);
  }
  if (role === 'agent') {
    if (typeof agentId !== 'string' || !AGENT_ID.test(agentId)) problems.push('an agent needs `agentId` (1 to 64 letters, digits, `_`, `.` or `-`)');
  } else if (agentId !== undefined) {
    problems.push('`agentId` is for agent tokens only');
  }

  const { token, tokenSha256 } = e;
  let digest: string | undefined;
  if ((token === undefined) === (tokenSha256 === undefined)) {
    problems.push('needs exactly one of `token` and `tokenSha256`');
  } else if (token !== undefined) {
    // Only the length is ever reported: the value is a secret.
    if (typeof token !== 'string') problems.push('`token` must be a string');
    else if (token.length < MIN_TOKEN_LENGTH) problems.push(`\`token\` must be at least ${MIN_TOKEN_LENGTH} characters (got ${token.length})`);
    else if (/\s/.test(token)) problems.push('`token` must not contain white space (it travels in an Authorization header)');
    else digest = tokenDigest(token);
  } else if (typeof tokenSha256 !== 'string' || !SHA256_HEX.test(tokenSha256)) {
    problems.push('`tokenSha256` must be 64 hexadecimal digits (printf %s "$TOKEN" | sha256sum)');
  } else {
    digest = tokenSha256.toLowerCase();
  }
  if (problems.length > 0 || digest === undefined) return undefined;
  return Object.freeze({
    name: name as string,
    role: role as Role,
    queues: role === 'supervisor' ? (queues === '*' ? '*' : Object.freeze([...(queues as string[])])) : role === 'admin' ? '*' : Object.freeze([]),
    ...(role === 'agent' ? { agentId: agentId as string } : {}),
    tokenSha256: digest,
  });
}

function validQueues(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((q) => typeof q === 'string' && QUEUE_NAME.test(q)) && new Set(value).size === value.length;
}
