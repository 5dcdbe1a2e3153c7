import { defineScript } from './script-runner.ts';

/** ARGV: prefix, queues JSON. Replaces the queues and rebuilds every agent's queues and the per-queue indexes. */
export const SET_QUEUES = defineScript(
  'acd.set-queues',
  String.raw`
local qs = cjson.decode(ARGV[2])
local names = redis.call('HKEYS', P .. 'queues')
for _, q in ipairs(qs) do names[#names + 1] = q.name end
for _, qn in ipairs(names) do redis.call('DEL', qkey(qn, 'avail'), qkey(qn, 'members')) end
redis.call('DEL', P .. 'queues')
for _, q in ipairs(qs) do redis.call('HSET', P .. 'queues', q.name, cjson.encode(q)) end
qcache = {}
for _, id in ipairs(redis.call('SMEMBERS', P .. 'agents')) do
  local a = get_agent(id)
  if a and a.state ~= 'logged-out' then
    recompute(a)
    join(a)
    if a.state == 'available' then index_avail(a) end
    put_agent(a)
  end
end
return reply(true)
`,
);

/** ARGV: prefix, login JSON, now. */
export const LOGIN = defineScript(
  'acd.login',
  String.raw`
local req = cjson.decode(ARGV[2])
local now = tonumber(ARGV[3])
local a = get_agent(req.id)
if a and a.state ~= 'logged-out' then
  if a.state == 'available' then unindex_avail(a) end
  unjoin(a)
  a.endpoint = req.endpoint
  a.skills = req.skills
  a.requestedQueues = req.queues
  recompute(a)
  join(a)
  if a.state == 'available' then index_avail(a) end
else
  a = { id = req.id, state = 'available', endpoint = req.endpoint, skills = req.skills, requestedQueues = req.queues,
    queues = {}, loggedInAt = now, stateSince = now, idleSince = now, missedInRow = 0,
    figures = { offered = 0, answered = 0, missed = 0, availableMs = 0, onCallMs = 0, wrapUpMs = 0, pausedMs = 0, offeredMs = 0 } }
  recompute(a)
  join(a)
  index_avail(a)
  redis.call('SADD', P .. 'agents', a.id)
end
put_agent(a)
return reply(a)
`,
);

/** ARGV: prefix, agentId, now. */
export const LOGOUT = defineScript(
  'acd.logout',
  String.raw`
local a = get_agent(ARGV[2])
local now = tonumber(ARGV[3])
if not a then return fail('NOT_FOUND') end
if a.state == 'offered' or a.state == 'on-call' then return fail('ILLEGAL_STATE', a.state) end
if a.state ~= 'logged-out' then
  set_state(a, 'logged-out', now)
  unjoin(a)
  a.queues = {}
  put_agent(a)
end
return reply(a)
`,
);

/** ARGV: prefix, agentId, state, reason ('' = none), now. */
export const SET_AGENT_STATE = defineScript(
  'acd.set-agent-state',
  String.raw`
local a = get_agent(ARGV[2])
local st, reason, now = ARGV[3], ARGV[4], tonumber(ARGV[5])
if not a then return fail('NOT_FOUND') end
if a.state == 'offered' or a.state == 'on-call' or a.state == 'logged-out' then return fail('ILLEGAL_STATE', a.state) end
if a.state ~= st then set_state(a, st, now) end
if st == 'paused' then
  if reason ~= '' then a.reason = reason else a.reason = nil end
end
put_agent(a)
return reply(a)
`,
);
