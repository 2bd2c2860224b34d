import type { Context } from 'hono';
import type { AppEnv, CallContext } from './app-env.js';

/** Narrows Hono's Context to the plain data a port call takes. */
export const callContext = (c: Context<AppEnv>): CallContext => {
  const principal = c.get('principal');
  return {
    signal: c.get('deadline').signal,
    deadlineAt: c.get('deadline').expiresAt,
    requestId: c.get('requestId'),
    trace: c.get('trace'),
    ...(principal ? { principal } : {}),
  };
};
