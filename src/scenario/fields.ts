/**
 * Zod building blocks whose errors read as "allowed ...". Zod checks the structure (strict
 * mappings, lists, which `kind:` takes which keys); each leaf is one function from the YAML value
 * to the config value or to the text of what is allowed. The found value is not in the message:
 * the formatter (issues.ts) reads it from the document, so every line has the same shape.
 */
import { z } from 'zod';
import { DURATION_HINT, parseDuration } from './duration.js';
import { closest } from './suggest.js';

/**
 * What the scenario reference (docs/scenario.md) and the JSON Schema (schema/scenario.schema.json)
 * say about a key, attached with zod's `.meta()`. The builders below fill in the structural part
 * (`valueType`, `input`, `range`, `defaultValue` / `required`); schema.ts adds `description`,
 * `unit` and `source` where each key is declared. Metadata never changes what is accepted:
 * `src/scenario/reference.ts` reads it, nothing else does.
 */
export interface FieldMeta {
  [k: string]: unknown;
  /** What the key means, one or two sentences. */
  description?: string;
  /** How the value is written, for the reference's type column: `duration`, `integer`, `one of …`. */
  valueType?: string;
  /** The JSON Schema (draft-07) of what the YAML may hold here (the input, before any transform). */
  input?: Record<string, unknown>;
  /** The allowed range, as text (`≥ 0`, `10–3000`). */
  range?: string;
  /** The value when the key is absent; meaningful only when `required` is false. */
  defaultValue?: unknown;
  /** The key must be written. */
  required?: boolean;
  /** Unit of a number: durations are seconds (`s`) whatever unit they are written in. */
  unit?: string;
  /** Where the key, its default and range come from: a URL of the platform's documentation, or `deploysim` (this model's choice). */
  source?: string;
  /**
   * A `kind:`/`dist:`/`rule:`-tagged mapping: its tag key, its variants, those refused here (tag →
   * why), and the JSON Schema of a bare (non-mapping) value if one is allowed.
   */
  tagged?: { tag: string; variants: Record<string, z.ZodType>; refused?: Record<string, string>; bare?: Record<string, unknown> };
  /** The input is that of another schema (a wrapper such as a distribution with a default). */
  inputFrom?: z.ZodType;
  /** `deployment.autoscaling`: also accepts the platform API's `autoscaling_settings` object (nulls, the wrapper). */
  apiSettings?: boolean;
  /** Documented once, in the reference section of this name, and linked from every key of this type. */
  docSection?: string;
}

/** Attach `meta` to `schema` (a clone: zod's `.meta()`; metadata of the original is inherited). */
export function described<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  return schema.meta(meta) as T;
}

/** What a leaf returns: the parsed value, or what would have been allowed. */
export type Checked<T> = { value: T } | { allowed: string };

const REQUIRED: unique symbol = Symbol('required');
type Default<T> = T | typeof REQUIRED;

/** Message prefix marking a strict mapping's unknown-key issue; the rest is the allowed keys, comma-separated. */
export const UNKNOWN_KEYS_PREFIX = 'allowed-keys:';

/**
 * A leaf field: `check` turns a present value into the config value; absent (undefined) gives
 * `dflt`, or a "required" issue whose message is `required` (what is allowed).
 */
export function field<T>(required: string, check: (v: unknown) => Checked<T>, dflt: Default<T> = REQUIRED, meta: FieldMeta = {}) {
  const schema = z.any().optional().transform((v, ctx): T => {
    if (v === undefined) {
      // Copy collection defaults so no two configs share (and could mutate) one array or object.
      if (dflt !== REQUIRED) return typeof dflt === 'object' && dflt !== null ? structuredClone(dflt) : dflt;
      ctx.addIssue({ code: 'custom', message: required, input: v });
      return z.NEVER;
    }
    const r = check(v);
    if ('allowed' in r) {
      ctx.addIssue({ code: 'custom', message: r.allowed, input: v });
      return z.NEVER;
    }
    return r.value;
  });
  return described(schema, {
    valueType: 'a value',
    range: required,
    ...(dflt === REQUIRED ? { required: true } : { required: false, defaultValue: dflt }),
    ...meta,
  });
}


/** A numeric range, as a sentence fragment: `30–1800`, `≥ 0`, `> 0`, `in (0, 1)`. */
export interface Range {
  min?: number;
  max?: number;
  /** Exclusive bounds. */
  gt?: number;
  lt?: number;
}

export function rangeText(r: Range, unit = ''): string {
  const u = unit ? ` ${unit}` : '';
  const lo = r.min !== undefined ? { v: r.min, incl: true } : r.gt !== undefined ? { v: r.gt, incl: false } : null;
  const hi = r.max !== undefined ? { v: r.max, incl: true } : r.lt !== undefined ? { v: r.lt, incl: false } : null;
  if (lo && hi) {
    if (lo.incl && hi.incl) return `${lo.v}–${hi.v}${u}`;
    return `${lo.incl ? '≥' : '>'} ${lo.v} and ${hi.incl ? '≤' : '<'} ${hi.v}${u}`;
  }
  if (lo) return `${lo.incl ? '≥' : '>'} ${lo.v}${u}`;
  if (hi) return `${hi.incl ? '≤' : '<'} ${hi.v}${u}`;
  return 'any value';
}

export function inRange(n: number, r: Range): boolean {
  return (
    (r.min === undefined || n >= r.min) &&
    (r.max === undefined || n <= r.max) &&
    (r.gt === undefined || n > r.gt) &&
    (r.lt === undefined || n < r.lt)
  );
}

export interface NumberOpts extends Range {
  int?: boolean;
  /** Appended to the range, e.g. `(baseten-2025)`. */
  note?: string;
}

function describeNumber(o: NumberOpts): string {
  const what = o.int ? 'an integer' : 'a number';
  return `${what} ${rangeText(o)}${o.note ? ` ${o.note}` : ''}`;
}

export function checkNumber(o: NumberOpts) {
  return (v: unknown): Checked<number> => {
    if (typeof v !== 'number' || !Number.isFinite(v) || (o.int && !Number.isInteger(v)) || !inRange(v, o)) {
      return { allowed: describeNumber(o) };
    }
    // Beyond 2^53 integers are rounded (seed 2^53 + 1 would run as 2^53): refuse rather than alias.
    if (o.int && !Number.isSafeInteger(v)) return { allowed: `${describeNumber(o)} and ≤ ${Number.MAX_SAFE_INTEGER} (2^53 − 1)` };
    return { value: v };
  };
}

/** JSON Schema bounds of a range. */
function jsonBounds(r: Range): Record<string, number> {
  return {
    ...(r.min !== undefined ? { minimum: r.min } : {}),
    ...(r.gt !== undefined ? { exclusiveMinimum: r.gt } : {}),
    ...(r.max !== undefined ? { maximum: r.max } : {}),
    ...(r.lt !== undefined ? { exclusiveMaximum: r.lt } : {}),
  };
}

export function num(o: NumberOpts, dflt: Default<number> = REQUIRED) {
  return field(describeNumber(o), checkNumber(o), dflt, {
    valueType: o.int ? 'integer' : 'number',
    range: `${rangeText(o)}${o.note ? ` ${o.note}` : ''}`,
    input: { type: o.int ? 'integer' : 'number', ...jsonBounds(o) },
  });
}

export function int(o: NumberOpts, dflt: Default<number> = REQUIRED) {
  return num({ ...o, int: true }, dflt);
}

export interface DurationOpts extends Range {
  /** Replaces "a duration <range>" in messages, e.g. `30–1800 (baseten-2025)` for the `_seconds` keys. */
  text?: string;
}

function describeDuration(o: DurationOpts): string {
  return o.text ?? `a duration ${rangeText(o, 's')}`;
}

export function checkDuration(o: DurationOpts) {
  return (v: unknown): Checked<number> => {
    const s = parseDuration(v);
    if (s === null) return { allowed: `${describeDuration(o)} (${DURATION_HINT})` };
    if (!inRange(s, o)) return { allowed: describeDuration(o) };
    return { value: s };
  };
}

/**
 * A duration as the YAML may hold it: the same grammar as `parseDuration` (duration.ts; a test
 * compares the two on examples). Only a number's range can be checked by a JSON Schema.
 */
export const DURATION_PATTERN = '^\\s*[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?\\s*(?:ms|s|m|h|d)?\\s*$';

export function durationInput(o: Range): Record<string, unknown> {
  return {
    anyOf: [
      { type: 'number', ...jsonBounds(o) },
      { type: 'string', pattern: DURATION_PATTERN, description: 'a number with a unit: 500ms, 90s, 15m, 2h, 1d' },
    ],
  };
}

function durationMeta(o: DurationOpts): FieldMeta {
  return { valueType: 'duration', unit: 's', range: o.text ?? rangeText(o, 's'), input: durationInput(o) };
}

/** Seconds, written as a number or with a unit. */
export function duration(o: DurationOpts, dflt: Default<number> = REQUIRED) {
  return field(`${describeDuration(o)} (${DURATION_HINT})`, checkDuration(o), dflt, durationMeta(o));
}

/** Like `duration`, but `null` (or absent, by default) means "none". */
export function optionalDuration(o: DurationOpts) {
  const check = checkDuration(o);
  const m = durationMeta(o);
  return field(
    describeDuration(o),
    (v): Checked<number | null> => (v === null ? { value: null } : check(v)),
    null,
    { ...m, valueType: 'duration or null', input: { anyOf: [...(m.input!.anyOf as object[]), { type: 'null' }] } },
  );
}

export function oneOfText(values: readonly string[]): string {
  return `one of ${values.join(', ')}`;
}

/** A string among `values`; a near miss gets "did you mean". */
export function oneOf<const T extends string>(values: readonly T[], dflt: Default<T> = REQUIRED) {
  return field(
    oneOfText(values),
    (v): Checked<T> => {
      if (typeof v === 'string' && (values as readonly string[]).includes(v)) return { value: v as T };
      const near = typeof v === 'string' ? closest(v, values) : null;
      return { allowed: `${oneOfText(values)}${near ? ` (did you mean \`${near}\`?)` : ''}` };
    },
    dflt,
    { valueType: oneOfText(values), range: '', input: { enum: [...values] } },
  );
}

export function bool(dflt: Default<boolean> = REQUIRED) {
  return field('true or false', (v): Checked<boolean> => (typeof v === 'boolean' ? { value: v } : { allowed: 'true or false' }), dflt, {
    valueType: 'boolean',
    range: '',
    input: { type: 'boolean' },
  });
}

export function text(dflt: Default<string> = REQUIRED) {
  return field('a string', (v): Checked<string> => (typeof v === 'string' ? { value: v } : { allowed: 'a string' }), dflt, {
    valueType: 'string',
    range: '',
    input: { type: 'string' },
  });
}

/**
 * A key that exists but is refused in this context (e.g. under this platform): `because` says
 * why. Absent or `null` (the key's "not set") is accepted.
 */
export function refused(because: string) {
  return field<null>(because, (v) => (v === null ? { value: null } : { allowed: because }), null, {
    valueType: 'refused',
    range: because,
    input: { type: 'null' },
  });
}

/**
 * A strict mapping: unknown keys are issues. The error function tells the formatter which keys
 * are allowed (zod's unknown-key issue names only the unknown ones).
 */
export function obj<S extends z.core.$ZodLooseShape>(shape: S) {
  const keys = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `${UNKNOWN_KEYS_PREFIX}${keys.join(',')}`
        : `a mapping with the keys ${keys.join(', ')}`,
  });
}

/** A mapping that may be left out entirely: parsed as `{}` so every default applies. */
export function section<S extends z.core.$ZodLooseShape>(shape: S) {
  return obj(shape).prefault({} as never);
}

export function list<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, { error: () => `a list of ${what}` });
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A mapping whose `tag` key (`kind:`, `dist:`, `rule:`) picks one strict schema among
 * `variants`. Written by hand rather than with z.discriminatedUnion so that a bad tag gets
 * "did you mean" and a tag can be refused with a reason (`refusedTags`).
 * `bare` handles a value that is not a mapping (a bare duration for distributions).
 */
export function tagged<V extends Record<string, z.ZodType>, B = never>(
  tag: string,
  variants: V,
  opts: { what: string; refusedTags?: Record<string, string>; bare?: (v: unknown) => Checked<B>; bareInput?: Record<string, unknown> },
) {
  const tags = Object.keys(variants);
  const parser = z.any().optional().transform((v, ctx): z.output<V[keyof V]> | B => {
    if (!isMapping(v)) {
      if (opts.bare && v !== undefined) {
        const r = opts.bare(v);
        if ('value' in r) return r.value;
        ctx.addIssue({ code: 'custom', message: r.allowed, input: v });
        return z.NEVER;
      }
      ctx.addIssue({ code: 'custom', message: `${opts.what}: a mapping with \`${tag}:\` ${oneOfText(tags)}`, input: v });
      return z.NEVER;
    }
    const t = v[tag];
    const refusal = typeof t === 'string' ? opts.refusedTags?.[t] : undefined;
    const schema = typeof t === 'string' && Object.hasOwn(variants, t) ? variants[t] : undefined;
    if (!schema || refusal) {
      const near = typeof t === 'string' && !refusal ? closest(t, tags) : null;
      const allowed = Object.keys(variants).filter((k) => !opts.refusedTags?.[k]);
      const message = `${oneOfText(allowed)}${near ? ` (did you mean \`${near}\`?)` : ''}${refusal ? ` (${refusal})` : ''}`;
      ctx.addIssue({ code: 'custom', message, path: [tag], input: t });
      return z.NEVER;
    }
    const r = schema.safeParse(v);
    if (r.success) return r.data as z.output<V[keyof V]>;
    for (const issue of r.error.issues) ctx.addIssue(issue as never);
    return z.NEVER;
  });
  const allowed = tags.filter((k) => !opts.refusedTags?.[k]);
  return described(parser, {
    valueType: `${opts.what}: a mapping with \`${tag}:\` ${oneOfText(allowed)}`,
    required: true,
    tagged: { tag, variants, refused: opts.refusedTags ?? {}, ...(opts.bareInput ? { bare: opts.bareInput } : {}) },
  });
}
