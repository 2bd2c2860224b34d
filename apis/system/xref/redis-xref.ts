import type { Redis } from 'ioredis';
import { storeUnavailable } from '../../../shared/redis.js';
import { formatRef, parseRef, type IdentityXref, type LinkOutcome } from './contract.js';

/**
 * Both directions are written by one Lua script, so a link is all-or-nothing and two gateways
 * linking the same record concurrently cannot both win. Keys (no TTL: master data):
 * `xref:ref:<domain>:<vendor>:<id>` → canonical id; `xref:cus:<canonicalId>` hash domain → ref.
 */
const LINK_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current then
  if current == ARGV[1] then return 'already_linked' end
  return 'conflict'
end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 'conflict' end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 'linked'
`;


export const createRedisXref = (redis: Redis, options: { keyPrefix?: string } = {}): IdentityXref => {
  const prefix = options.keyPrefix ?? 'xref:';
  const refKey = (ref: string) => `${prefix}ref:${ref}`;
  const customerKey = (canonicalId: string) => `${prefix}cus:${canonicalId}`;
  return {
    async link(canonicalId, ref) {
      const text = formatRef(ref);
      return (await redis.eval(LINK_SCRIPT, 2, refKey(text), customerKey(canonicalId), canonicalId, ref.domain, text).catch(storeUnavailable)) as LinkOutcome;
    },
    async canonicalIdOf(ref) {
      return (await redis.get(refKey(formatRef(ref))).catch(storeUnavailable)) ?? undefined;
    },
    async refIn(canonicalId, domain) {
      const text = await redis.hget(customerKey(canonicalId), domain).catch(storeUnavailable);
      return text ? parseRef(text) : undefined;
    },
  };
};
