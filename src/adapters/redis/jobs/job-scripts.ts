import { createHash } from 'node:crypto';
import { LUA_BYTE_ORDER } from '../lua-byte-order.ts';
import type { AcdScript } from '../acd/script-runner.ts';

/**
 * Lua scripts of {@link RedisJobQueue}: every change to a job is one script, so a claim, a
 * completion and a re-schedule never interleave between nodes.
 *
 * Key layout under the prefix `P` (`ARGV[1]`, default `hotline:jobs:`):
 * - `due` zset id → dueAt: jobs waiting for their time;
 * - `leased` zset id → leaseUntil: claimed jobs (claimable again once `leaseUntil <= now`);
 * - `job:<id>` hash: `kind`, `dueAt`, `payload` (JSON text, never decoded here, so it survives
 *   byte for byte), `deliveries`, and while claimed `claimedBy`, `lease`, `leaseUntil`;
 * - `once:<key>`: a `SET NX PX` mark.
 *
 * Keys are built inside the scripts (like the ACD's), so this layout is for one Redis, not a
 * cluster. Numbers arrive as the decimal text JavaScript printed and are stored as is.
 */

/** Builds a script (its own small prelude, not the ACD one). */
function defineJobScript(name: string, body: string): AcdScript {
  const source = `-- jobs.${name}\n${PRELUDE}\n${body}`;
  return { name: `jobs.${name}`, source, sha: createHash('sha1').update(source).digest('hex') };
}

const PRELUDE = String.raw`
local P = ARGV[1]
local function jkey(id) return P .. 'job:' .. id end
local function is_leased(id) return redis.call('ZSCORE', P .. 'leased', id) ~= false end
-- the job when lease is its current lease token
local function held(id, lease)
  if not is_leased(id) then return false end
  return redis.call('HGET', jkey(id), 'lease') == lease
end
${LUA_BYTE_ORDER}
`;

/** ARGV: P, id, kind, dueAt, payload → 1 scheduled (replacing), 0 refused (claimed). */
export const SCHEDULE = defineJobScript('schedule', String.raw`
local id = ARGV[2]
if is_leased(id) then return 0 end
redis.call('DEL', jkey(id))
redis.call('HSET', jkey(id), 'kind', ARGV[3], 'dueAt', ARGV[4], 'payload', ARGV[5], 'deliveries', '0')
redis.call('ZADD', P .. 'due', ARGV[4], id)
return 1
`);

/** ARGV: P, id → 1 removed, 0 absent or claimed. */
export const CANCEL = defineJobScript('cancel', String.raw`
local id = ARGV[2]
if is_leased(id) then return 0 end
if redis.call('ZREM', P .. 'due', id) == 0 then return 0 end
redis.call('DEL', jkey(id))
return 1
`);

/**
 * ARGV: P, now, limit, leaseUntil, node, leaseBase → claimed jobs, each
 * `[id, kind, dueAt, payload, deliveries, lease]`, in due order (ties by id). Candidates are
 * the `limit` earliest due jobs and the `limit` earliest-expired leases.
 */
export const CLAIM = defineJobScript('claim', String.raw`
local now, limit, leaseUntil, node, base = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
local cands = {}
local due = redis.call('ZRANGEBYSCORE', P .. 'due', '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit)
for i = 1, #due, 2 do cands[#cands + 1] = { id = due[i], at = tonumber(due[i + 1]) } end
local expired = redis.call('ZRANGEBYSCORE', P .. 'leased', '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(expired) do
  local at = redis.call('HGET', jkey(id), 'dueAt')
  if at then
    cands[#cands + 1] = { id = id, at = tonumber(at) }
  else
    redis.call('ZREM', P .. 'leased', id) -- an index entry without its job: drop it
  end
end
table.sort(cands, function(a, b)
  if a.at ~= b.at then return a.at < b.at end
  return lt(a.id, b.id)
end)
local out = {}
for i = 1, math.min(limit, #cands) do
  local id = cands[i].id
  local k = jkey(id)
  local lease = base .. ':' .. i
  local deliveries = redis.call('HINCRBY', k, 'deliveries', 1)
  redis.call('HSET', k, 'claimedBy', node, 'lease', lease, 'leaseUntil', leaseUntil)
  redis.call('ZREM', P .. 'due', id)
  redis.call('ZADD', P .. 'leased', leaseUntil, id)
  local f = redis.call('HMGET', k, 'kind', 'dueAt', 'payload')
  out[#out + 1] = { id, f[1], f[2], f[3], tostring(deliveries), lease }
end
return out
`);

/** ARGV: P, id, lease, leaseUntil → 1 extended, 0 lease lost. */
export const EXTEND = defineJobScript('extend', String.raw`
local id = ARGV[2]
if not held(id, ARGV[3]) then return 0 end
redis.call('HSET', jkey(id), 'leaseUntil', ARGV[4])
redis.call('ZADD', P .. 'leased', ARGV[4], id)
return 1
`);

/** ARGV: P, id, lease[, dueAt, payload] → 1 done (removed, or re-scheduled when dueAt is given), 0 lease lost. */
export const COMPLETE = defineJobScript('complete', String.raw`
local id = ARGV[2]
if not held(id, ARGV[3]) then return 0 end
redis.call('ZREM', P .. 'leased', id)
if ARGV[4] == nil then
  redis.call('DEL', jkey(id))
  return 1
end
redis.call('HDEL', jkey(id), 'claimedBy', 'lease', 'leaseUntil')
redis.call('HSET', jkey(id), 'dueAt', ARGV[4], 'payload', ARGV[5])
redis.call('ZADD', P .. 'due', ARGV[4], id)
return 1
`);

/** Every job script, for `SCRIPT LOAD` at start-up. */
export const JOB_SCRIPTS: readonly AcdScript[] = [SCHEDULE, CANCEL, CLAIM, EXTEND, COMPLETE];
