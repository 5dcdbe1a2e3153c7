import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { hotlineError } from '../errors.ts';

/** Marker of an encrypted value in a stored snapshot. */
interface Sealed {
  $sealed: string;
}

/**
 * Key used when the deployment configures none: random per process, so a call resumed by
 * another process loses its secure variables (they read as unset) rather than leaking them.
 */
const PROCESS_KEY = randomBytes(32);

/** The key sessions encrypt secure variables with. @throws `HOTLINE_ERR_CONFIG` unless 32 bytes. */
export function secureKey(secretKey: Uint8Array | undefined): Uint8Array {
  if (secretKey === undefined) return PROCESS_KEY;
  if (secretKey.length !== 32) throw hotlineError('HOTLINE_ERR_CONFIG', `the secret key must be 32 bytes, got ${secretKey.length}`);
  return secretKey;
}

/**
 * A copy of an XState persisted snapshot of a flow machine with the values of its secure
 * variables (card numbers, PINs) and the digits of the gather in progress encrypted with
 * AES-256-GCM, bound to the call and the variable name: what a session store (Redis) may keep.
 */
export function sealSnapshot(snapshot: unknown, key: Uint8Array, callId: string): unknown {
  const context = contextOf(snapshot);
  if (!context) return snapshot;
  const secure = Array.isArray(context.secureVars) ? (context.secureVars as string[]) : [];
  const vars = { ...((context.vars as Record<string, unknown>) ?? {}) };
  for (const name of secure) if (vars[name] !== undefined) vars[name] = seal(vars[name], key, `${callId}:vars.${name}`);
  const digits = typeof context.digits === 'string' && context.digits !== '' ? seal(context.digits, key, `${callId}:digits`) : context.digits;
  return { ...(snapshot as object), context: { ...context, vars, digits } };
}

/** Reverses {@link sealSnapshot}. A value that cannot be decrypted (another process's key) becomes unset. */
export function openSnapshot(snapshot: unknown, key: Uint8Array, callId: string): { snapshot: unknown; lost: string[] } {
  const context = contextOf(snapshot);
  if (!context) return { snapshot, lost: [] };
  const lost: string[] = [];
  const vars: Record<string, unknown> = {};
  for (const [name, value] of Object.entries((context.vars as Record<string, unknown>) ?? {})) {
    if (!isSealed(value)) {
      vars[name] = value;
      continue;
    }
    const opened = open(value, key, `${callId}:vars.${name}`);
    if (opened.ok) vars[name] = opened.value;
    else lost.push(name);
  }
  let digits = context.digits;
  if (isSealed(digits)) {
    const opened = open(digits, key, `${callId}:digits`);
    digits = opened.ok ? opened.value : '';
    if (!opened.ok) lost.push('digits');
  }
  return { snapshot: { ...(snapshot as object), context: { ...context, vars, digits } }, lost };
}

function seal(value: unknown, key: Uint8Array, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { $sealed: `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}` };
}

function open(sealed: Sealed, key: Uint8Array, aad: string): { ok: true; value: unknown } | { ok: false } {
  try {
    if (!sealed.$sealed.startsWith('v1.')) return { ok: false };
    const raw = Buffer.from(sealed.$sealed.slice(3), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // Wrong key (another process's random key) or tampered: the value is gone, never garbage.
    return { ok: false };
  }
}

function isSealed(value: unknown): value is Sealed {
  return typeof value === 'object' && value !== null && typeof (value as Sealed).$sealed === 'string';
}

function contextOf(snapshot: unknown): Record<string, unknown> | undefined {
  if (typeof snapshot !== 'object' || snapshot === null) return undefined;
  const context = (snapshot as { context?: unknown }).context;
  return typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : undefined;
}
