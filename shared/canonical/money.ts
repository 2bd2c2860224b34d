import { z } from '@hono/zod-openapi';

/** Money as integer minor units plus an ISO 4217 code: never floats (DESIGN.md §3). */
export const CurrencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code').openapi({ example: 'EUR' });

export const MoneySchema = z
  .strictObject({
    amountMinor: z.number().int().min(-1e15).max(1e15).openapi({ description: 'Amount in minor units (cents)', example: 1250000 }),
    currency: CurrencySchema,
  })
  .openapi('Money');

export type Money = z.infer<typeof MoneySchema>;

/** Minor-unit exponent per ISO 4217; the currencies not listed have two decimals. */
const EXPONENTS: Record<string, number> = { JPY: 0, KRW: 0, CLP: 0, ISK: 0, VND: 0, BHD: 3, KWD: 3, JOD: 3, OMR: 3, TND: 3 };
export const minorUnitExponent = (currency: string): number => EXPONENTS[currency] ?? 2;

/** Converts a vendor's decimal amount (e.g. NetSuite's `balance: 1234.5`) to minor units without float drift. */
export const toMinorUnits = (amount: number, currency: string): number => Math.round(amount * 10 ** minorUnitExponent(currency));

export const money = (amountMinor: number, currency: string): Money => ({ amountMinor, currency });
