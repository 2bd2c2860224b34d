/**
 * OData wire conventions of SAP Gateway, as zod schemas: the V2 JSON verbose format (`{"d": …}`,
 * `/Date(ms)/`, decimals as strings, `{"results": […]}` for to-many navigation, `__next` paging) and the
 * V4 JSON format (`{"value": […]}`, ISO dates, `@odata.nextLink`, decimals as strings when the client
 * asks for `IEEE754Compatible=true`), plus both error envelopes.
 *
 * Each property of an entity is declared once with its EDM type (`v2.string(10)`, `v4.decimal()`): the
 * zod schema the adapter parses with is derived from that declaration, and the conformance test checks
 * the declaration against SAP's EDMX (name, EDM type, length). Object schemas strip unknown keys.
 */
import { z } from 'zod';

export type EdmType =
  | 'Edm.String'
  | 'Edm.Boolean'
  | 'Edm.Guid'
  | 'Edm.Decimal'
  | 'Edm.DateTime'
  | 'Edm.DateTimeOffset'
  | 'Edm.Time'
  | 'Edm.Date'
  | 'Edm.TimeOfDay';

/** One declared property: its EDM type (and length), and the zod schema of its JSON value. */
export interface EdmField<S extends z.ZodType = z.ZodType> {
  readonly edm: EdmType;
  readonly maxLength?: number;
  readonly schema: S;
}

const field = <S extends z.ZodType>(edm: EdmType, schema: S, maxLength?: number): EdmField<S> => ({ edm, schema, ...(maxLength !== undefined ? { maxLength } : {}) });

/** A decimal as SAP writes it in JSON: a string of digits, optional sign and fraction. */
export const DECIMAL_TEXT = /^-?\d{1,30}(\.\d{1,14})?$/;
const decimalText = z.string().regex(DECIMAL_TEXT, 'must be a decimal string');

/** V2 `Edm.DateTime`: `/Date(1729382400000)/` (UTC milliseconds) → epoch ms. */
const V2_DATE = /^\/Date\((-?\d{1,15})\)\/$/;
/** V2 `Edm.DateTimeOffset`: `/Date(1729382400000+0000)/` → epoch ms (the offset is informative; ms are UTC). */
const V2_DATE_OFFSET = /^\/Date\((-?\d{1,15})([+-]\d{4})?\)\/$/;
/** V2 `Edm.Time`: an XML duration `PT09H14M00S` → milliseconds since midnight. */
const V2_TIME = /^PT(\d{1,2})H(\d{1,2})M(\d{1,2})(?:\.\d+)?S$/;

export const v2 = {
  string: (maxLength: number) => field('Edm.String', z.string().max(maxLength), maxLength),
  boolean: () => field('Edm.Boolean', z.boolean()),
  guid: () => field('Edm.Guid', z.string().regex(/^[0-9a-fA-F-]{32,36}$/)),
  decimal: () => field('Edm.Decimal', decimalText),
  dateTime: () => field('Edm.DateTime', z.string().regex(V2_DATE).transform((s) => Number(V2_DATE.exec(s)![1]))),
  dateTimeOffset: () => field('Edm.DateTimeOffset', z.string().regex(V2_DATE_OFFSET).transform((s) => Number(V2_DATE_OFFSET.exec(s)![1]))),
  time: () =>
    field(
      'Edm.Time',
      z
        .string()
        .regex(V2_TIME)
        .transform((s) => {
          const [, h, m, sec] = V2_TIME.exec(s)!;
          return ((Number(h) * 60 + Number(m)) * 60 + Number(sec)) * 1000;
        }),
    ),
};

export const v4 = {
  string: (maxLength?: number) => field('Edm.String', maxLength === undefined ? z.string() : z.string().max(maxLength), maxLength),
  boolean: () => field('Edm.Boolean', z.boolean()),
  /**
   * With `IEEE754Compatible=true` in Accept, V4 services send decimals as strings; a number is
   * accepted too (a service that ignores the parameter) and turned into its text.
   */
  decimal: () => field('Edm.Decimal', z.union([decimalText, z.number().finite().transform((n) => String(n))]).pipe(decimalText)),
  date: () => field('Edm.Date', z.iso.date()),
  timeOfDay: () => field('Edm.TimeOfDay', z.string().regex(/^\d{2}:\d{2}:\d{2}(\.\d{1,12})?$/)),
  dateTimeOffset: () => field('Edm.DateTimeOffset', z.iso.datetime({ offset: true })),
};

type Fields = Readonly<Record<string, EdmField>>;
type Shape<F extends Fields, K extends keyof F> = { [P in keyof F]: P extends K ? F[P]['schema'] : z.ZodOptional<z.ZodNullable<F[P]['schema']>> };

/** An entity type as Strata reads it: the EDM declaration (for the conformance test) and its zod schema. */
export interface EntityDeclaration<F extends Fields, K extends keyof F> {
  /** Qualified EDM entity type name. */
  readonly entityType: string;
  /** True when the type comes from an EDMX held in this folder; false when written from SAP's public documentation. */
  readonly held: boolean;
  readonly keys: readonly K[];
  readonly fields: F;
  readonly schema: z.ZodObject<Shape<F, K>>;
}

/**
 * Declares an entity type. Keys are required; every other property may be null or absent (SAP omits
 * what `$select` leaves out, and sends null for empty dates).
 */
export const entity = <const F extends Fields, const K extends keyof F & string>(entityType: string, held: boolean, keys: readonly K[], fields: F): EntityDeclaration<F, K> => {
  const shape = Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, (keys as readonly string[]).includes(name) ? f.schema : f.schema.nullable().optional()]));
  return { entityType, held, keys, fields, schema: z.object(shape) as unknown as z.ZodObject<Shape<F, K>> };
};

// ---------------------------------------------------------------------------------------------------
// Envelopes

/** V2 to-many navigation, expanded: `{ "results": [...] }`. */
export const v2Many = <S extends z.ZodType>(item: S) => z.object({ results: z.array(item).max(1000) });
/** A V2 navigation property that was not expanded: `{ "__deferred": { "uri": "…" } }`. */
export const V2DeferredSchema = z.object({ __deferred: z.object({ uri: z.string().max(2048) }) });
/** A to-many navigation as it may arrive: expanded (`results`), or deferred (read as absent). */
export const v2ManyNav = <S extends z.ZodType>(item: S) => z.union([v2Many(item), V2DeferredSchema.transform(() => undefined)]).optional();
/** A to-one navigation as it may arrive: the entity, null (none), or deferred (read as absent). */
export const v2OneNav = <S extends z.ZodType>(item: S) => z.union([item.nullable(), V2DeferredSchema.transform(() => undefined)]).optional();
/** V2 single entity: `{ "d": {...} }`. */
export const v2Entity = <S extends z.ZodType>(entity: S) => z.object({ d: entity });
/** V2 collection: `{ "d": { "results": [...], "__next"?: "…$skiptoken=…" } }`. */
export const v2Collection = <S extends z.ZodType>(item: S) =>
  z.object({ d: z.object({ results: z.array(item).max(5000), __next: z.string().max(4096).optional(), __count: z.string().regex(/^\d+$/).optional() }) });
/** `__metadata` of a V2 entity: its canonical URI and, where the type has one, its ETag (for `If-Match`). */
export const V2MetadataSchema = z.object({ uri: z.string().max(2048).optional(), type: z.string().max(200).optional(), etag: z.string().max(200).optional() });

/** V4 collection: `{ "value": [...], "@odata.nextLink"?: "…" }`. */
export const v4Collection = <S extends z.ZodType>(item: S) => z.object({ value: z.array(item).max(5000), '@odata.nextLink': z.string().max(4096).optional() });

// ---------------------------------------------------------------------------------------------------
// Errors

/** SAP Gateway's V2 error body. `innererror.errordetails` lists every message of the request. */
export const V2ErrorSchema = z.object({
  error: z.object({
    code: z.string().max(200),
    message: z.object({ lang: z.string().max(10), value: z.string().max(5000) }),
    innererror: z
      .object({
        transactionid: z.string().max(64).optional(),
        timestamp: z.string().max(32).optional(),
        errordetails: z
          .array(z.object({ code: z.string().max(200), message: z.string().max(5000), propertyref: z.string().max(200).optional(), severity: z.string().max(20), target: z.string().max(500).optional() }))
          .max(100)
          .optional(),
      })
      .optional(),
  }),
});

/** The OData V4 error body (OData JSON Format 4.01 §21), as SAP's RAP services write it. */
const V4ErrorDetailSchema = z.object({ code: z.string().max(200), message: z.string().max(5000), target: z.string().max(500).optional() });
export const V4ErrorSchema = z.object({
  error: V4ErrorDetailSchema.extend({ details: z.array(V4ErrorDetailSchema).max(100).optional(), innererror: z.record(z.string(), z.unknown()).optional() }),
});

export type V2Error = z.infer<typeof V2ErrorSchema>;
export type V4Error = z.infer<typeof V4ErrorSchema>;
