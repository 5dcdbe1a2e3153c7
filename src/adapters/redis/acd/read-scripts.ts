import { defineScript } from './script-runner.ts';

/** ARGV: prefix, callId. A consistent read of place, line length and staffing. */
export const POSITION = defineScript(
  'acd.position',
  String.raw`
local c = get_caller(ARGV[2])
if not c or c.state == 'connected' then return reply(nil) end
local rank = redis.call('ZRANK', qkey(c.queue, 'line'), c.callId)
if not rank then return reply(nil) end
return reply({ position = rank + 1, waiting = redis.call('ZCARD', qkey(c.queue, 'line')), staffed = redis.call('SCARD', qkey(c.queue, 'members')) })
`,
);

/** ARGV: prefix, queue. Callers (waiting and offered, in order), agent states of members, counters. */
export const SNAPSHOT = defineScript(
  'acd.snapshot',
  String.raw`
local qn = ARGV[2]
local callers = {}
for _, id in ipairs(redis.call('ZRANGE', qkey(qn, 'line'), 0, -1)) do
  local c = get_caller(id)
  if c then callers[#callers + 1] = c end
end
local states = {}
for _, id in ipairs(redis.call('SMEMBERS', qkey(qn, 'members'))) do
  local a = get_agent(id)
  if a then states[#states + 1] = a.state end
end
return reply({ callers = callers, states = states, counters = redis.call('HGETALL', qkey(qn, 'counters')),
  recent = redis.call('LRANGE', qkey(qn, 'recent'), 0, -1) })
`,
);

/** ARGV: prefix. */
export const QUEUES_WITH_WAITING = defineScript(
  'acd.queues-with-waiting',
  String.raw`
local out = {}
for _, qn in ipairs(redis.call('SMEMBERS', P .. 'lines')) do
  if redis.call('ZCARD', qkey(qn, 'waiting')) > 0 then out[#out + 1] = qn end
end
return reply(out)
`,
);
