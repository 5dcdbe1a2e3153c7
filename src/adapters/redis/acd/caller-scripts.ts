import { defineScript } from './script-runner.ts';

/** ARGV: prefix, caller JSON (enqueuedAt resolved), now. Idempotent by callId (only `node` is updated). */
export const ENQUEUE = defineScript(
  'acd.enqueue',
  String.raw`
local req = cjson.decode(ARGV[2])
local c = get_caller(req.callId)
if c then
  c.node = req.node
  put_caller(c)
  return reply(c)
end
c = { callId = req.callId, queue = req.queue, priority = req.priority, enqueuedAt = req.enqueuedAt, node = req.node,
  state = 'waiting', agentIds = {}, data = req.data }
put_caller(c)
local s = N(caller_score(c))
redis.call('ZADD', qkey(c.queue, 'line'), s, c.callId)
redis.call('ZADD', qkey(c.queue, 'waiting'), s, c.callId)
redis.call('SADD', P .. 'lines', c.queue)
count(c.queue, 'entered', 1)
return reply(c)
`,
);

/** ARGV: prefix, callId, priority. */
export const SET_PRIORITY = defineScript(
  'acd.set-priority',
  String.raw`
local c = get_caller(ARGV[2])
if not c then return reply(nil) end
if c.state ~= 'connected' then
  c.priority = tonumber(ARGV[3])
  local s = N(caller_score(c))
  redis.call('ZADD', qkey(c.queue, 'line'), s, c.callId)
  if c.state == 'waiting' then redis.call('ZADD', qkey(c.queue, 'waiting'), s, c.callId) end
  put_caller(c)
end
return reply(c)
`,
);

/** ARGV: prefix, callId, queue, now. */
export const MOVE_CALLER = defineScript(
  'acd.move-caller',
  String.raw`
local c = get_caller(ARGV[2])
local qn = ARGV[3]
if not c then return reply(nil) end
if c.state ~= 'waiting' then return fail('ILLEGAL_STATE', c.state) end
if c.queue ~= qn then
  redis.call('ZREM', qkey(c.queue, 'line'), c.callId)
  redis.call('ZREM', qkey(c.queue, 'waiting'), c.callId)
  count(c.queue, 'left', 1)
  c.queue = qn
  local s = N(caller_score(c))
  redis.call('ZADD', qkey(qn, 'line'), s, c.callId)
  redis.call('ZADD', qkey(qn, 'waiting'), s, c.callId)
  redis.call('SADD', P .. 'lines', qn)
  count(qn, 'entered', 1)
  put_caller(c)
end
return reply(c)
`,
);

/** ARGV: prefix, callId, reason, now, wrapUpMs. */
export const LEAVE = defineScript(
  'acd.leave',
  String.raw`
local c = get_caller(ARGV[2])
local reason, now, wrap = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
if not c then return reply({ released = {} }) end
local before = cjson.decode(cjson.encode(c))
local released = {}
if c.state == 'connected' then
  local a = c.agentIds[1] and get_agent(c.agentIds[1])
  end_call(c, now)
  if a and a.state == 'on-call' and a.callId == c.callId then
    to_wrap(a, c.queue, now, wrap)
    put_agent(a)
    released[1] = a.id
  end
else
  if c.state == 'offered' then released = withdraw(c, now) end
  if reason == 'abandoned' then
    count(c.queue, 'abandoned', 1)
    if now - c.enqueuedAt <= service_level(c.queue) then count(c.queue, 'abandonedInSl', 1) end
  else
    count(c.queue, 'left', 1)
  end
  redis.call('ZREM', qkey(c.queue, 'line'), c.callId)
  redis.call('ZREM', qkey(c.queue, 'waiting'), c.callId)
end
redis.call('DEL', P .. 'caller:' .. c.callId)
return reply({ caller = before, released = released })
`,
);

/** ARGV: prefix, callId, agentId, now, wrapUpMs. */
export const AGENT_CALL_ENDED = defineScript(
  'acd.agent-call-ended',
  String.raw`
local callId, aid, now, wrap = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local a = get_agent(aid)
if not a or a.state ~= 'on-call' or a.callId ~= callId then return reply(nil) end
local c = get_caller(callId)
local qn = (c and c.queue) or a.queues[1] or ''
if c and c.state == 'connected' and c.agentIds[1] == aid then
  end_call(c, now)
  redis.call('DEL', P .. 'caller:' .. callId)
end
to_wrap(a, qn, now, wrap)
put_agent(a)
return reply(a)
`,
);

/** ARGV: prefix, fromCallId, toCallId, node, data JSON or ''. Keeps place, priority and any ringing offer. */
export const RENAME_CALLER = defineScript(
  'acd.rename-caller',
  String.raw`
local from, to, node = ARGV[2], ARGV[3], ARGV[4]
local c = get_caller(from)
if not c then return reply(nil) end
if c.state == 'connected' then return fail('ILLEGAL_STATE', c.state) end
if from ~= to and get_caller(to) then return fail('CONFLICT', c.state) end
local s = N(caller_score(c))
redis.call('ZREM', qkey(c.queue, 'line'), from)
redis.call('ZADD', qkey(c.queue, 'line'), s, to)
if c.state == 'waiting' then
  redis.call('ZREM', qkey(c.queue, 'waiting'), from)
  redis.call('ZADD', qkey(c.queue, 'waiting'), s, to)
end
redis.call('DEL', P .. 'caller:' .. from)
c.callId = to
c.node = node
if ARGV[5] ~= '' then c.data = cjson.decode(ARGV[5]) end
put_caller(c)
if c.offerId then
  local o = get_json(P .. 'offer:' .. c.offerId)
  if o then
    o.callId = to
    o.node = node
    redis.call('SET', P .. 'offer:' .. c.offerId, cjson.encode(o))
    for _, id in ipairs(c.agentIds) do
      local a = get_agent(id)
      if a and a.offerId == c.offerId then
        a.callId = to
        put_agent(a)
      end
    end
  end
end
return reply(c)
`,
);

/** ARGV: prefix, offerId, expiresAt. */
export const EXTEND_OFFER = defineScript(
  'acd.extend-offer',
  String.raw`
local o = get_json(P .. 'offer:' .. ARGV[2])
if not o then return reply(false) end
o.expiresAt = tonumber(ARGV[3])
redis.call('SET', P .. 'offer:' .. ARGV[2], cjson.encode(o))
redis.call('ZADD', P .. 'offers:deadline', N(o.expiresAt), ARGV[2])
return reply(true)
`,
);
