/**
 * Lua `lt(x, y)`: string order by bytes, like Redis sorted sets and JavaScript string
 * comparison (Lua's own `<` follows the locale). Spliced into the preludes of the ACD and job scripts.
 */
export const LUA_BYTE_ORDER = String.raw`
local function lt(x, y)
  local n = math.min(#x, #y)
  for i = 1, n do
    local a, b = string.byte(x, i), string.byte(y, i)
    if a ~= b then return a < b end
  end
  return #x < #y
end
`;
