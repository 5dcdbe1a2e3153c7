import { Router } from 'express';
import type { AcdApi } from '../core/acd/acd-api.ts';
import { hotlineError } from '../core/errors.ts';
import type { SimControl } from './sim-routes.ts';
import { bodyObject, onlyFields, stringField } from './validate.ts';

/** Agent ids (path parameter). */
export const AGENT_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** PBX endpoints an agent is reached at: `sim:alice`, `PJSIP/201`, `user/1001@example.org`, `+15551230000`. */
export const AGENT_ENDPOINT = /^[A-Za-z0-9:/@._+-]{1,128}$/;
/** Skill names. */
export const SKILL_NAME = /^[a-z0-9_-]{1,32}$/;
/** Queue names, as queue files spell them. */
export const QUEUE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const PAUSE_REASON = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_SKILLS = 64;
const MAX_QUEUES = 100;

/** What the agent routes need. */
export interface AgentRoutesDeps {
  acd: AcdApi;
  /** Which PBX runs (for the error message when `answer` is sent to a real one). */
  pbx: string;
  /** The simulated PBX when PBX=sim: `answer` sets the agent's phone to pick up by itself or not. */
  sim?: Pick<SimControl, 'setAgentAnswerMode'>;
}

/**
 * `/api/agents…`: log agents in and out, pause and resume them, read them.
 *
 * - `POST /agents/{id}/login` `{"endpoint": "sim:alice", "skills": {"billing": 7}, "queues"?: ["billing"], "answer"?: "auto"|"manual"}`
 * - `POST /agents/{id}/state` `{"state": "available"|"paused", "reason"?: "break"}`
 * - `POST /agents/{id}/logout`
 * - `GET /agents/{id}`, `GET /agents` (`{"agents": [...]}`)
 *
 * Bodies are checked strictly (unknown fields are refused) and answer 400 naming the field; the
 * ACD's own refusals (unknown agent 404, illegal state change 409) pass through as they are.
 */
export function agentRoutes(deps: AgentRoutesDeps): Router {
  const router = Router();

  router.post('/agents/:id/login', async (req, res) => {
    const id = agentIdParam(req.params.id);
    const body = bodyObject(req.body);
    onlyFields(body, ['endpoint', 'skills', 'queues', 'answer']);
    const endpoint = stringField(body, 'endpoint', { required: true, max: 128, pattern: AGENT_ENDPOINT, describe: 'a PBX endpoint or number (letters, digits and : / @ . _ + -)' })!;
    const skills = skillsField(body.skills);
    const queues = queuesField(body.queues);
    const answer = answerField(body.answer);
    if (answer !== undefined) {
      if (!deps.sim?.setAgentAnswerMode) {
        throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`answer\` is for simulated agents only (this server runs PBX=${deps.pbx})`, { field: 'answer' });
      }
      // Before the login: a login can route a waiting caller at once, and that call must already
      // ring the way the agent asked for.
      deps.sim.setAgentAnswerMode(id, answer);
    }
    res.json(await deps.acd.login(id, { endpoint, skills, ...(queues !== undefined ? { queues } : {}) }));
  });

  router.post('/agents/:id/state', async (req, res) => {
    const id = agentIdParam(req.params.id);
    const body = bodyObject(req.body);
    onlyFields(body, ['state', 'reason']);
    const state = body.state;
    if (state !== 'available' && state !== 'paused') {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`state` must be `available` or `paused`', { field: 'state' });
    }
    const reason = stringField(body, 'reason', { max: 64, pattern: PAUSE_REASON, describe: 'a short word (letters, digits, _ . -)' });
    if (reason !== undefined && state !== 'paused') {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`reason` goes with `state: paused` only', { field: 'reason' });
    }
    res.json(await deps.acd.setAgentState(id, state, reason));
  });

  router.post('/agents/:id/logout', async (req, res) => {
    res.json(await deps.acd.logout(agentIdParam(req.params.id)));
  });

  router.get('/agents/:id', async (req, res) => {
    res.json(await deps.acd.getAgent(agentIdParam(req.params.id)));
  });

  router.get('/agents', async (_req, res) => {
    res.json({ agents: await deps.acd.listAgents() });
  });
  return router;
}

function agentIdParam(value: string | undefined): string {
  if (value === undefined || !AGENT_ID.test(value)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'agent ids are 1 to 64 letters, digits, `_`, `.` or `-`', { field: 'id' });
  }
  return value;
}

function skillsField(value: unknown): Record<string, number> {
  if (value === undefined || value === null) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`skills` is required (an object such as {"billing": 7}; {} for none)', { field: 'skills' });
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`skills` must be an object of skill name → proficiency 1 to 10', { field: 'skills' });
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_SKILLS) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`skills\` may name at most ${MAX_SKILLS} skills`, { field: 'skills' });
  for (const [name, level] of entries) {
    if (!SKILL_NAME.test(name)) {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'skill names are 1 to 32 lower-case letters, digits, `_` or `-`', { field: 'skills' });
    }
    if (typeof level !== 'number' || !Number.isInteger(level) || level < 1 || level > 10) {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `skill \`${name}\` must have a whole-number proficiency from 1 to 10`, { field: `skills.${name}` });
    }
  }
  // fromEntries defines own properties, so a skill named `__proto__` stays a skill.
  return Object.fromEntries(entries) as Record<string, number>;
}

function queuesField(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`queues` must be an array of queue names', { field: 'queues' });
  if (value.length === 0) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`queues` must name at least one queue (leave it out to serve every queue the skills meet)', { field: 'queues' });
  if (value.length > MAX_QUEUES) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`queues\` may name at most ${MAX_QUEUES} queues`, { field: 'queues' });
  for (const name of value) {
    if (typeof name !== 'string' || !QUEUE_NAME.test(name)) {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'queue names are lower-case letters, digits and `-` (up to 64, starting with a letter or digit)', { field: 'queues' });
    }
  }
  if (new Set(value).size !== value.length) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`queues` names a queue twice', { field: 'queues' });
  return value as string[];
}

function answerField(value: unknown): 'auto' | 'manual' | undefined {
  if (value === undefined || value === null) return undefined;
  if (value !== 'auto' && value !== 'manual') throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`answer` must be `auto` or `manual`', { field: 'answer' });
  return value;
}
