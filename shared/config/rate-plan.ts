import { z } from 'zod';

export interface RatePlan {
  readonly limit: number;
  readonly windowSeconds: number;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** Parses `600/60s`, `100/1m`, `5000/1h` into a plan; returns undefined when the text is not one. */
export const parseRatePlan = (text: string): RatePlan | undefined => {
  const m = /^(\d+)\/(\d+)([smh])$/.exec(text.trim());
  if (!m) return undefined;
  const limit = Number(m[1]);
  const windowSeconds = Number(m[2]) * UNIT_SECONDS[m[3] as keyof typeof UNIT_SECONDS];
  if (limit < 1 || windowSeconds < 1) return undefined;
  return { limit, windowSeconds };
};

export const RatePlanSchema = z.union([
  z.string().transform((s, ctx) => {
    const plan = parseRatePlan(s);
    if (!plan) {
      ctx.addIssue({ code: 'custom', message: 'expected "<count>/<window>", e.g. 600/60s' });
      return z.NEVER;
    }
    return plan;
  }),
  z.strictObject({ limit: z.number().int().min(1), windowSeconds: z.number().int().min(1) }),
]);
