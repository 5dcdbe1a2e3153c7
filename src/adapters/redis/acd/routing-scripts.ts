import { defineScript } from './script-runner.ts';

/** ARGV: prefix, queue, now, limit (-1 = no limit). */
export const ROUTE = defineScript(
  'acd.route',
  String.raw`
local qn, now, limit = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local q = queue(qn)
local offers = {}
if not q then return reply(offers) end
while limit < 0 or #offers < limit do
  local head = redis.call('ZRANGE', qkey(qn, 'waiting'), 0, 0)[1]
  if not head then break end
  local stop = 0
  if q.strategy ~= 'ring-all' then stop = 1 end
  local ids = redis.call('ZRANGE', qkey(qn, 'avail'), 0, stop - 1)
  if #ids == 0 then break end
  local c = get_caller(head)
  if c then
    offers[#offers + 1] = make_offer(c, q, load_agents(ids), now)
  else
    -- an index entry without its record: drop it rather than loop on it
    redis.call('ZREM', qkey(qn, 'waiting'), head)
    redis.call('ZREM', qkey(qn, 'line'), head)
  end
end
return reply(offers)
`,
);

/** ARGV: prefix, agentId, now. */
export const ROUTE_AGENT = defineScript(
  'acd.route-agent',
  String.raw`
local a = get_agent(ARGV[2])
local now = tonumber(ARGV[3])
if not a or a.state ~= 'available' then return reply(nil) end
local best, bestScore, bestQ
for _, qn in ipairs(a.queues) do
  local r = redis.call('ZRANGE', qkey(qn, 'waiting'), 0, 0, 'WITHSCORES')
  if r[1] then
    local s = tonumber(r[2])
    if not best or s < bestScore or (s == bestScore and lt(qn, bestQ)) then
      best, bestScore, bestQ = r[1], s, qn
    end
  end
end
if not best then return reply(nil) end
local q = queue(bestQ)
local c = get_caller(best)
if not q or not c then return reply(nil) end
local agents = { a }
if q.strategy == 'ring-all' then agents = load_agents(redis.call('ZRANGE', qkey(bestQ, 'avail'), 0, -1)) end
return reply(make_offer(c, q, agents, now))
`,
);

/** ARGV: prefix, node. */
export const TAKE_OFFERS = defineScript(
  'acd.take-offers',
  String.raw`
local key = P .. 'inbox:' .. ARGV[2]
local items = redis.call('LRANGE', key, 0, -1)
redis.call('DEL', key)
return reply(items)
`,
);

/** ARGV: prefix, offerId, agentId, now. */
export const OFFER_ANSWERED = defineScript(
  'acd.offer-answered',
  String.raw`
local oid, aid, now = ARGV[2], ARGV[3], tonumber(ARGV[4])
local nope = reply({ ok = false, released = {} })
local o = get_json(P .. 'offer:' .. oid)
if not o then return nope end
local c = get_caller(o.callId)
local a = get_agent(aid)
if not c or not a or c.offerId ~= oid or a.state ~= 'offered' or a.offerId ~= oid then return nope end
local found = false
for _, x in ipairs(c.agentIds) do
  if x == aid then found = true end
end
if not found then return nope end
local released = {}
for _, x in ipairs(c.agentIds) do
  if x ~= aid then
    local b = get_agent(x)
    if b and b.state == 'offered' and b.offerId == oid then
      set_state(b, 'available', now)
      put_agent(b)
      released[#released + 1] = x
    end
  end
end
set_state(a, 'on-call', now)
a.missedInRow = 0
a.figures.answered = a.figures.answered + 1
put_agent(a)
redis.call('ZREM', qkey(c.queue, 'line'), c.callId)
redis.call('ZREM', qkey(c.queue, 'waiting'), c.callId)
c.state = 'connected'
c.agentIds = { aid }
c.connectedAt = now
put_caller(c)
drop_offer(oid)
local wait = now - c.enqueuedAt
count(c.queue, 'answered', 1)
count(c.queue, 'answerWaitMsSum', wait)
if wait <= service_level(c.queue) then count(c.queue, 'answeredInSl', 1) end
return reply({ ok = true, released = released })
`,
);

/** ARGV: prefix, offerId, agentId, now, maxMissed. */
export const OFFER_FAILED = defineScript(
  'acd.offer-failed',
  String.raw`
local oid, aid, now, maxMissed = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local o = get_json(P .. 'offer:' .. oid)
local callId = o and o.callId
local a = get_agent(aid)
local out = nil
if a and a.state == 'offered' and a.offerId == oid then
  callId = callId or a.callId
  a.figures.missed = a.figures.missed + 1
  a.missedInRow = a.missedInRow + 1
  if maxMissed > 0 and a.missedInRow >= maxMissed then
    set_state(a, 'paused', now)
    a.reason = 'missed-offers'
  else
    set_state(a, 'available', now)
  end
  put_agent(a)
  out = a
end
local requeued = false
local c = callId and get_caller(callId)
if c and c.offerId == oid then
  local left = {}
  for _, x in ipairs(c.agentIds) do
    if x ~= aid then left[#left + 1] = x end
  end
  c.agentIds = left
  if #left == 0 and c.state == 'offered' then
    c.state = 'waiting'
    c.offerId = nil
    redis.call('ZADD', qkey(c.queue, 'waiting'), N(caller_score(c)), c.callId)
    drop_offer(oid)
    requeued = true
  end
  put_caller(c)
end
return reply({ agent = out, callerRequeued = requeued })
`,
);

/** ARGV: prefix, now. */
export const EXPIRE_OFFERS = defineScript(
  'acd.expire-offers',
  String.raw`
local now = tonumber(ARGV[2])
local out = {}
for _, oid in ipairs(redis.call('ZRANGEBYSCORE', P .. 'offers:deadline', '-inf', N(now))) do
  local o = get_json(P .. 'offer:' .. oid)
  if o then
    local c = get_caller(o.callId)
    if c and c.offerId == oid and c.state == 'offered' then
      withdraw(c, now)
      put_caller(c)
    end
    out[#out + 1] = o
  end
  drop_offer(oid)
end
return reply(out)
`,
);

/** ARGV: prefix, now. */
export const FINISH_WRAP_UPS = defineScript(
  'acd.finish-wrap-ups',
  String.raw`
local now = tonumber(ARGV[2])
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'wrap', '-inf', N(now))) do
  local a = get_agent(id)
  if a and a.state == 'wrap-up' then
    set_state(a, 'available', now)
    put_agent(a)
    out[#out + 1] = id
  else
    redis.call('ZREM', P .. 'wrap', id)
  end
end
return reply(out)
`,
);
