import { LUA_BYTE_ORDER } from '../lua-byte-order.ts';
/**
 * Lua shared by every ACD script (prepended to each body). It mirrors `src/core/acd/routing-order.ts`
 * and the memory store; the contract suite holds them to the same answers.
 *
 * Key layout under the prefix `P` (`ARGV[1]`, default `hotline:acd:`):
 * - `queues` hash name → QueueRouting JSON; `agents` set of agent ids; `lines` set of queue names seen
 * - `agent:<id>` AgentRecord JSON (+ `wrapQueue`); `caller:<callId>` QueuedCaller JSON (+ `connectedAt`)
 * - `q:<queue>:line` zset waiting+offered callers, `q:<queue>:waiting` zset waiting callers,
 *   both scored `(1000 - priority) * 2^42 + enqueuedAt` (ties: callId, byte order)
 * - `q:<queue>:members` set of logged-in agents serving it; `q:<queue>:avail` zset of its available
 *   agents scored by its strategy (ties: agent id); `q:<queue>:rr` hash agent → last offer seq
 * - `q:<queue>:counters` hash, `q:<queue>:recent` list of recent handle times
 * - `offer:<offerId>` Offer JSON, `offers:deadline` zset offerId → expiresAt, `wrap` zset agent → wrapUntil
 * - `inbox:<node>` list of Offer JSON; `seq:offer`, `seq:rr` counters
 *
 * Keys are built inside the scripts (not passed as KEYS), so this layout is for one Redis, not a cluster.
 * Every reply is a JSON envelope `{ok: value}` or `{err: code, state: agentOrCallerState}`.
 */
export const LUA_PRELUDE = String.raw`
local P = ARGV[1]
local SPAN = 4398046511104
local MAXF = 2047
local MAXP = 1000
local GRACE = 5000
local KEEP = 20

-- numbers go to Redis as exact integers (tostring would print 14 significant digits)
local function N(n) return string.format('%.0f', n) end
local function reply(v) return cjson.encode({ ok = v }) end
local function fail(code, state) return cjson.encode({ err = code, state = state }) end
local function isnull(v) return v == nil or v == cjson.null end

${LUA_BYTE_ORDER}

local qcache = {}
local function queue(name)
  local q = qcache[name]
  if q == nil then
    local j = redis.call('HGET', P .. 'queues', name)
    q = j and cjson.decode(j) or false
    qcache[name] = q
  end
  return q or nil
end
local function service_level(qn)
  local q = queue(qn)
  return q and q.serviceLevelMs or 0
end

local function get_json(key)
  local j = redis.call('GET', key)
  if j then return cjson.decode(j) end
  return nil
end
local function get_agent(id) return get_json(P .. 'agent:' .. id) end
local function put_agent(a) redis.call('SET', P .. 'agent:' .. a.id, cjson.encode(a)) end
local function get_caller(id) return get_json(P .. 'caller:' .. id) end
local function put_caller(c) redis.call('SET', P .. 'caller:' .. c.callId, cjson.encode(c)) end
local function qkey(qn, what) return P .. 'q:' .. qn .. ':' .. what end
local function count(qn, field, by) redis.call('HINCRBY', qkey(qn, 'counters'), field, N(by)) end
local function caller_score(c) return (MAXP - c.priority) * SPAN + c.enqueuedAt end

local function skill_match(a, q)
  local s = 0
  for sk, _ in pairs(q.skills) do s = s + (tonumber(a.skills[sk]) or 0) end
  return s
end
local function avail_score(q, a)
  local s = q.strategy
  if s == 'round-robin' then return tonumber(redis.call('HGET', qkey(q.name, 'rr'), a.id)) or 0 end
  if s == 'fewest-calls' then return math.min(a.figures.answered, MAXF) * SPAN + a.idleSince end
  if s == 'best-skill-match' then return (MAXF - math.min(skill_match(a, q), MAXF)) * SPAN + a.idleSince end
  return a.idleSince
end
local function index_avail(a)
  for _, qn in ipairs(a.queues) do
    local q = queue(qn)
    if q then redis.call('ZADD', qkey(qn, 'avail'), N(avail_score(q, a)), a.id) end
  end
end
local function unindex_avail(a)
  for _, qn in ipairs(a.queues) do redis.call('ZREM', qkey(qn, 'avail'), a.id) end
end

local function serves(a, q)
  if not isnull(a.requestedQueues) then
    local found = false
    for _, n in ipairs(a.requestedQueues) do
      if n == q.name then found = true break end
    end
    if not found then return false end
  end
  for sk, min in pairs(q.skills) do
    if (tonumber(a.skills[sk]) or 0) < min then return false end
  end
  return true
end
local function recompute(a)
  local names = redis.call('HKEYS', P .. 'queues')
  table.sort(names, lt)
  local out = {}
  for _, qn in ipairs(names) do
    if serves(a, queue(qn)) then out[#out + 1] = qn end
  end
  a.queues = out
end
local function join(a)
  for _, qn in ipairs(a.queues) do redis.call('SADD', qkey(qn, 'members'), a.id) end
end
local function unjoin(a)
  for _, qn in ipairs(a.queues) do redis.call('SREM', qkey(qn, 'members'), a.id) end
end

local BUCKET = { available = 'availableMs', offered = 'offeredMs', ['on-call'] = 'onCallMs', ['wrap-up'] = 'wrapUpMs', paused = 'pausedMs' }

-- closes the old state's time, ends a wrap-up (counted on the call's queue), keeps the indexes
local function set_state(a, new, now)
  local spent = math.max(0, now - a.stateSince)
  local b = BUCKET[a.state]
  if b then a.figures[b] = a.figures[b] + spent end
  if a.state == 'available' then unindex_avail(a) end
  if a.state == 'wrap-up' then
    redis.call('ZREM', P .. 'wrap', a.id)
    if a.wrapQueue then
      count(a.wrapQueue, 'wrapUpMsSum', spent)
      count(a.wrapQueue, 'wrapUps', 1)
    end
    a.wrapQueue = nil
    a.wrapUntil = nil
  end
  a.state = new
  a.stateSince = now
  a.reason = nil
  if new ~= 'offered' and new ~= 'on-call' then
    a.offerId = nil
    a.callId = nil
  end
  if new == 'available' then
    a.idleSince = now
    index_avail(a)
  end
end

local function to_wrap(a, qn, now, ms)
  if ms <= 0 then
    set_state(a, 'available', now)
    return
  end
  set_state(a, 'wrap-up', now)
  a.wrapQueue = qn
  a.wrapUntil = now + ms
  redis.call('ZADD', P .. 'wrap', N(a.wrapUntil), a.id)
end

-- counts the end of a connected call on its queue
local function end_call(c, now)
  local handle = math.max(0, now - (c.connectedAt or now))
  count(c.queue, 'handled', 1)
  count(c.queue, 'handleMsSum', handle)
  redis.call('LPUSH', qkey(c.queue, 'recent'), N(handle))
  redis.call('LTRIM', qkey(c.queue, 'recent'), 0, KEEP - 1)
end

local function drop_offer(offerId)
  redis.call('DEL', P .. 'offer:' .. offerId)
  redis.call('ZREM', P .. 'offers:deadline', offerId)
end

-- a ringing offer withdrawn: agents still ringing back to available, the caller waits again
local function withdraw(c, now)
  local released = {}
  for _, id in ipairs(c.agentIds) do
    local a = get_agent(id)
    if a and a.state == 'offered' and a.offerId == c.offerId then
      set_state(a, 'available', now)
      put_agent(a)
      released[#released + 1] = id
    end
  end
  if c.offerId then drop_offer(c.offerId) end
  c.state = 'waiting'
  c.agentIds = {}
  c.offerId = nil
  redis.call('ZADD', qkey(c.queue, 'waiting'), N(caller_score(c)), c.callId)
  return released
end

local function make_offer(c, q, agents, now)
  local offerId = c.callId .. ':' .. N(redis.call('INCR', P .. 'seq:offer'))
  local ids, eps = {}, {}
  for _, a in ipairs(agents) do
    set_state(a, 'offered', now)
    a.offerId = offerId
    a.callId = c.callId
    a.figures.offered = a.figures.offered + 1
    if q.strategy == 'round-robin' then
      redis.call('HSET', qkey(q.name, 'rr'), a.id, N(redis.call('INCR', P .. 'seq:rr')))
    end
    put_agent(a)
    ids[#ids + 1] = a.id
    eps[#eps + 1] = a.endpoint
  end
  redis.call('ZREM', qkey(c.queue, 'waiting'), c.callId)
  c.state = 'offered'
  c.offerId = offerId
  c.agentIds = ids
  put_caller(c)
  local offer = { offerId = offerId, callId = c.callId, queue = c.queue, agentIds = ids, endpoints = eps,
    node = c.node, at = now, expiresAt = now + q.ringTimeoutMs + GRACE }
  local j = cjson.encode(offer)
  redis.call('SET', P .. 'offer:' .. offerId, j)
  redis.call('ZADD', P .. 'offers:deadline', N(offer.expiresAt), offerId)
  redis.call('RPUSH', P .. 'inbox:' .. c.node, j)
  return offer
end

local function load_agents(ids)
  local out = {}
  for _, id in ipairs(ids) do
    local a = get_agent(id)
    if a then out[#out + 1] = a end
  end
  return out
end
`;
