import type { RequestHandler, Response } from 'express';
import { hotlineError, type HotlineError } from '../core/errors.ts';
import type { AuditLog, Principal, Role } from '../ports/audit.ts';
import { appendAudit } from './audit-routes.ts';
import { principalOf } from './auth.ts';

/**
 * How a role may use a route:
 * - `allow`: as is;
 * - `own-agent`: only when the path's `:id` is the principal's own `agentId`;
 * - `agent-in-queues`: only when the agent `:id` serves one of the principal's queues;
 * - `queue-scoped`: the route itself checks the resource's queue against the principal's queues
 *   (and filters lists to them), because only it knows the resource;
 * - `on-call`: the route itself checks that the principal's agent is connected to call `:id`;
 * - `deny`: 403.
 */
export type Access = 'allow' | 'own-agent' | 'agent-in-queues' | 'queue-scoped' | 'on-call' | 'deny';

/** One line of the permission table. Admins may use every route, so they have no column. */
export interface RouteRule {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under `/api`, express style (`/agents/:id/state`). */
  path: string;
  supervisor: Access;
  agent: Access;
  /** Denials on this route are audited as `<audit>.denied`. */
  audit?: 'recording' | 'supervision';
  /** What the path's `:id` names (for the audit entry). */
  subject?: 'call' | 'recording' | 'supervision';
}

/**
 * The permission table of `/api`. A route missing here is for admins only, so a new route is
 * closed until someone decides who may use it.
 */
export const ROUTE_RULES: readonly RouteRule[] = [
  { method: 'GET', path: '/calls', supervisor: 'queue-scoped', agent: 'deny' },
  { method: 'GET', path: '/calls/:id', supervisor: 'allow', agent: 'deny' },
  { method: 'POST', path: '/calls/:id/supervise', supervisor: 'queue-scoped', agent: 'deny', audit: 'supervision', subject: 'call' },
  { method: 'POST', path: '/calls/:id/recording', supervisor: 'queue-scoped', agent: 'on-call', audit: 'recording', subject: 'call' },
  { method: 'GET', path: '/supervisions', supervisor: 'queue-scoped', agent: 'deny', audit: 'supervision' },
  { method: 'GET', path: '/supervisions/:id', supervisor: 'queue-scoped', agent: 'deny', audit: 'supervision', subject: 'supervision' },
  { method: 'PATCH', path: '/supervisions/:id', supervisor: 'queue-scoped', agent: 'deny', audit: 'supervision', subject: 'supervision' },
  { method: 'DELETE', path: '/supervisions/:id', supervisor: 'queue-scoped', agent: 'deny', audit: 'supervision', subject: 'supervision' },
  { method: 'GET', path: '/recordings', supervisor: 'queue-scoped', agent: 'deny', audit: 'recording' },
  { method: 'GET', path: '/recordings/:id', supervisor: 'queue-scoped', agent: 'deny', audit: 'recording', subject: 'recording' },
  { method: 'GET', path: '/recordings/:id/audio', supervisor: 'queue-scoped', agent: 'deny', audit: 'recording', subject: 'recording' },
  { method: 'DELETE', path: '/recordings/:id', supervisor: 'deny', agent: 'deny', audit: 'recording', subject: 'recording' },
  { method: 'GET', path: '/callbacks', supervisor: 'queue-scoped', agent: 'deny' },
  { method: 'POST', path: '/callbacks', supervisor: 'queue-scoped', agent: 'deny' },
  { method: 'GET', path: '/callbacks/:id', supervisor: 'queue-scoped', agent: 'deny' },
  { method: 'DELETE', path: '/callbacks/:id', supervisor: 'queue-scoped', agent: 'deny' },
  { method: 'POST', path: '/callbacks/:id/reschedule', supervisor: 'queue-scoped', agent: 'deny' },
  { method: 'GET', path: '/audit', supervisor: 'deny', agent: 'deny' },
  { method: 'GET', path: '/queues', supervisor: 'allow', agent: 'deny' },
  { method: 'GET', path: '/queues/:id', supervisor: 'allow', agent: 'deny' },
  { method: 'GET', path: '/agents', supervisor: 'allow', agent: 'deny' },
  { method: 'GET', path: '/agents/:id', supervisor: 'allow', agent: 'own-agent' },
  { method: 'POST', path: '/agents/:id/login', supervisor: 'deny', agent: 'own-agent' },
  { method: 'POST', path: '/agents/:id/logout', supervisor: 'deny', agent: 'own-agent' },
  { method: 'POST', path: '/agents/:id/state', supervisor: 'agent-in-queues', agent: 'own-agent' },
  { method: 'GET', path: '/events', supervisor: 'allow', agent: 'deny' },
  { method: 'POST', path: '/sim/agents/:id/answer', supervisor: 'deny', agent: 'own-agent' },
  { method: 'POST', path: '/sim/agents/:id/reject', supervisor: 'deny', agent: 'own-agent' },
  { method: 'POST', path: '/sim/agents/:id/hangup', supervisor: 'deny', agent: 'own-agent' },
];

/** A rule matched against a request. */
export interface RuleMatch {
  rule: RouteRule | undefined;
  id?: string;
}

const compiled = ROUTE_RULES.map((rule) => ({
  rule,
  regex: new RegExp(`^${rule.path.replace(/:id\b/, '([^/]+)')}/?$`),
}));

/** The rule for `method path` (path under `/api`); `rule` undefined when no line matches. */
export function matchRule(method: string, path: string): RuleMatch {
  const m = method === 'HEAD' ? 'GET' : method;
  for (const { rule, regex } of compiled) {
    if (rule.method !== m) continue;
    const hit = regex.exec(path);
    if (hit) return hit[1] === undefined ? { rule } : { rule, id: safeDecode(hit[1]) };
  }
  return { rule: undefined };
}

/**
 * True when the principal may act on something of `queue`: admins always; supervisors on their
 * queues (`*`: every queue). Something of no queue (an IVR-only recording) is for admins only.
 */
export function queueAllowed(principal: Principal, queue: string | undefined): boolean {
  if (principal.role === 'admin') return true;
  if (queue === undefined || principal.role !== 'supervisor') return false;
  return principal.queues === '*' || principal.queues.includes(queue);
}

/** The queues a list is limited to for the principal (`*`: no limit). */
export function queueScope(principal: Principal): readonly string[] | '*' {
  return principal.role === 'admin' ? '*' : principal.queues;
}

/** Dependencies of {@link authorize}. */
export interface AuthorizeDeps {
  /** Denials of recording and supervision routes go here. */
  audit?: AuditLog;
  /** The queues agent `id` serves (`undefined`: no such agent, the route answers 404). */
  agentQueues?: (agentId: string) => Promise<readonly string[] | undefined>;
  now?: () => number;
}

/**
 * Enforces {@link ROUTE_RULES} on `/api` (after {@link apiAuth}): 403 `HOTLINE_ERR_FORBIDDEN`
 * with the reason, audited for recording and supervision routes. `queue-scoped` and `on-call`
 * pass through to the route, which checks them against the resource.
 */
export function authorize(deps: AuthorizeDeps = {}): RequestHandler {
  const now = deps.now ?? Date.now;
  return async (req, res, next) => {
    try {
      const principal = principalOf(res);
      if (principal.role === 'admin') return next();
      const { rule, id } = matchRule(req.method, req.path);
      const reason = await refusal(principal, rule, id, deps);
      if (reason === undefined) return next();
      if (rule?.audit) {
        await auditDenied(deps.audit, now, principal, {
          domain: rule.audit,
          reason,
          route: `${req.method} /api${rule.path}`,
          ...(rule.subject && id !== undefined ? { [subjectKey[rule.subject]]: id } : {}),
        });
      }
      next(hotlineError('HOTLINE_ERR_FORBIDDEN', reason, { role: principal.role }));
    } catch (err) {
      next(err);
    }
  };
}

const subjectKey = { call: 'callId', recording: 'recordingId', supervision: 'supervisionId' } as const;

async function refusal(principal: Principal, rule: RouteRule | undefined, id: string | undefined, deps: AuthorizeDeps): Promise<string | undefined> {
  if (!rule) return `${principal.role} tokens may not use this route (admins only)`;
  const access = rule[principal.role as Exclude<Role, 'admin'>];
  switch (access) {
    case 'allow':
    case 'queue-scoped':
    case 'on-call':
      return undefined;
    case 'deny':
      return `${principal.role} tokens may not ${rule.method} /api${rule.path}`;
    case 'own-agent':
      return principal.agentId !== undefined && id === principal.agentId ? undefined : `this token acts for agent ${principal.agentId ?? '(none)'} only`;
    case 'agent-in-queues': {
      if (principal.queues === '*') return undefined;
      const queues = id === undefined || !deps.agentQueues ? undefined : await deps.agentQueues(id);
      if (queues === undefined) return undefined;
      return queues.some((q) => principal.queues.includes(q)) ? undefined : `agent ${id} serves none of your queues`;
    }
  }
}

/** What a denied attempt was on. */
export interface DeniedAttempt {
  domain: 'recording' | 'supervision';
  reason: string;
  /** `POST /api/calls/:id/supervise`, or the action attempted (`recording.audio`). */
  route: string;
  callId?: string;
  queue?: string;
  recordingId?: string;
  supervisionId?: string;
}

/** Appends `<domain>.denied` for the principal (no-op without an audit log). */
export async function auditDenied(audit: AuditLog | undefined, now: () => number, principal: Principal, attempt: DeniedAttempt): Promise<void> {
  if (!audit) return;
  const { domain, reason, route, ...ids } = attempt;
  await appendAudit(audit, now, principal, `${domain}.denied`, { ...ids, details: { reason, route } });
}

/** The 403 of a `queue-scoped` or `on-call` refusal, audited. */
export async function denyScoped(res: Response, audit: AuditLog | undefined, now: () => number, attempt: DeniedAttempt): Promise<HotlineError> {
  const principal = principalOf(res);
  await auditDenied(audit, now, principal, attempt);
  return hotlineError('HOTLINE_ERR_FORBIDDEN', attempt.reason, { role: principal.role });
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
