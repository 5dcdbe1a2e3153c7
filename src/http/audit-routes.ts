import { Router } from 'express';
import { hotlineError } from '../core/errors.ts';
import type { AuditEntry, AuditFilter, AuditLog, Principal } from '../ports/audit.ts';
import { parseIsoTime } from './validate.ts';

/** What an audited action was on (undefined fields are left out of the entry). */
export interface AuditSubject {
  callId?: string | undefined;
  queue?: string | undefined;
  recordingId?: string | undefined;
  supervisionId?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

/**
 * Appends one entry for `principal`. Fields left undefined are dropped, so the memory and Redis
 * logs store the same shape.
 * @example
 * await appendAudit(audit, Date.now, principal, 'recording.get', { recordingId: meta.id, callId: meta.callId });
 */
export async function appendAudit(audit: AuditLog, now: () => number, principal: Principal, action: string, subject: AuditSubject = {}): Promise<AuditEntry> {
  const entry: Omit<AuditEntry, 'id'> = { at: now(), actor: principal.name, role: principal.role, action };
  for (const key of ['callId', 'queue', 'recordingId', 'supervisionId', 'details'] as const) {
    const value = subject[key];
    if (value !== undefined) (entry as Record<string, unknown>)[key] = value;
  }
  return audit.append(entry);
}

const ACTOR = /^[A-Za-z0-9_.-]{1,64}$/;
const ACTION = /^[a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*){0,3}$/;
const CALL_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;

/**
 * `GET /api/audit?actor=&action=&call=&since=&limit=` (admins only, see `roles.ts`):
 * `{"entries": [...]}`, newest first. `since` is an ISO 8601 time; `limit` 1 to 1000 (default 100).
 */
export function auditRoutes(deps: { audit: AuditLog }): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
    const filter: AuditFilter = {};
    const actor = queryString(req.query.actor, 'actor', ACTOR, 'a token name');
    if (actor !== undefined) filter.actor = actor;
    const action = queryString(req.query.action, 'action', ACTION, 'a dotted action such as recording.audio');
    if (action !== undefined) filter.action = action;
    const call = queryString(req.query.call, 'call', CALL_ID, 'a call id');
    if (call !== undefined) filter.callId = call;
    const since = queryString(req.query.since, 'since', /^.{1,40}$/, 'an ISO 8601 time');
    if (since !== undefined) filter.since = parseIsoTime(since, 'since');
    const limit = limitParam(req.query.limit);
    if (limit !== undefined) filter.limit = limit;
    res.json({ entries: await deps.audit.list(filter) });
  });
  return router;
}

/** An optional query parameter matching `pattern`, or 400. */
export function queryString(value: unknown, name: string, pattern: RegExp, describe: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`${name}\` must be ${describe}`, { field: name });
  }
  return value;
}

/** `limit`: a whole number from 1 to 1000, or 400. */
export function limitParam(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= 1000)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`limit` must be a whole number from 1 to 1000', { field: 'limit' });
  return n;
}
