/**
 * The scenario reference (docs/scenario.md) and the JSON Schema (schema/scenario.schema.json),
 * both generated from the zod schema in schema.ts so they cannot drift from what `validate`
 * accepts. What a key means, its unit and source are `.meta()` on the key in schema.ts; its type,
 * range, default and the JSON Schema of its input are attached by the builders in fields.ts.
 * `npm run gen` writes both files; test/reference.test.ts fails when either is stale.
 *
 * The schema is built per file (schema.ts): the reference and the JSON Schema describe
 * baseten-2026 production (the defaults) and show where baseten-2025 or a development deployment
 * differ (the JSON Schema with `if`/`then` on `platform:` and `deployment.environment:`).
 */
import { z } from 'zod';
import type { FieldMeta } from './fields.js';
import { scenarioSchema, type SchemaContext } from './schema.js';

type Json = Record<string, unknown>;

/** Keys of FieldMeta that are not JSON Schema keywords: removed from the generated JSON Schema. */
const CUSTOM_KEYS = ['valueType', 'input', 'range', 'defaultValue', 'required', 'unit', 'source', 'tagged', 'inputFrom', 'apiSettings', 'docSection'];

const CONTEXTS = {
  primary: { file: 'scenario.yaml', platform: 'baseten-2026', environment: 'production', firstNonTrace: null },
  b2025: { file: 'scenario.yaml', platform: 'baseten-2025', environment: 'production', firstNonTrace: null },
  dev: { file: 'scenario.yaml', platform: 'baseten-2026', environment: 'development', firstNonTrace: null },
} as const satisfies Record<string, SchemaContext>;

function metaOf(s: z.ZodType): FieldMeta {
  return (z.globalRegistry.get(s) ?? {}) as FieldMeta;
}

function def(s: z.ZodType): { type: string; [k: string]: unknown } {
  return s._zod.def as unknown as { type: string; [k: string]: unknown };
}

// --- JSON Schema ----------------------------------------------------------------------------

/** The JSON Schema (draft-07) of what the YAML may hold for `schema`: its input, leaves from their metadata. */
export function inputJsonSchema(schema: z.ZodType): Json {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-07',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => rewrite(zodSchema as unknown as z.ZodType, jsonSchema as Json),
  }) as Json;
  delete json.$schema;
  return json;
}

function replace(target: Json, by: Json): void {
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, by);
}

function taggedInput(t: NonNullable<FieldMeta['tagged']>): Json {
  const variants = Object.entries(t.variants)
    .filter(([k]) => !t.refused?.[k])
    .map(([, v]) => inputJsonSchema(v));
  return { anyOf: [...(t.bare ? [t.bare] : []), ...variants] };
}

/** The API's `autoscaling_settings`: every key may be null; the object may come inside its wrapper. */
function apiSettings(js: Json): Json {
  const props = (js.properties ?? {}) as Record<string, Json>;
  const nullable = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, { anyOf: [v, { type: 'null' }] }]));
  const bare = { type: 'object', properties: nullable, additionalProperties: false };
  const wrapped = {
    type: 'object',
    properties: { autoscaling_settings: { type: 'object', properties: nullable, description: 'The API object as returned: fields deploysim does not model are warnings.' } },
    required: ['autoscaling_settings'],
    additionalProperties: false,
  };
  return { anyOf: [bare, wrapped] };
}

function isRequired(s: z.ZodType): boolean {
  return metaOf(s).required === true;
}

function formatValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function jsonDescription(m: FieldMeta): string | undefined {
  if (!m.description) return undefined;
  const parts = [m.description];
  if (m.range) parts.push(`Allowed: ${m.range}.`);
  if (m.unit) parts.push(`Unit: ${m.unit}${m.valueType?.startsWith('duration') || m.valueType === 'distribution' ? ' (or written with a unit: 500ms, 90s, 15m, 2h, 1d)' : ''}.`);
  if (m.required === false && 'defaultValue' in m && m.defaultValue !== '(file name)') parts.push(`Default: ${m.defaultValue === '' ? '""' : formatValue(m.defaultValue)}.`);
  return parts.join(' ');
}

function rewrite(zs: z.ZodType, js: Json): void {
  const m = metaOf(zs);
  if (m.tagged) replace(js, taggedInput(m.tagged));
  else if (m.inputFrom) replace(js, inputJsonSchema(m.inputFrom));
  else if (m.input) replace(js, structuredClone(m.input));
  if (m.apiSettings) replace(js, apiSettings(js));
  // FieldMeta's `required` (a boolean) is not JSON Schema's (a list of keys): zod copied it here.
  const zodRequired = Array.isArray(js.required) ? (js.required as string[]) : [];
  for (const k of CUSTOM_KEYS) delete js[k];
  const d = def(zs);
  if (d.type === 'object') {
    const shape = d.shape as Record<string, z.ZodType>;
    const required = new Set<string>(zodRequired);
    for (const [k, v] of Object.entries(shape)) if (isRequired(v)) required.add(k);
    if (required.size > 0) js.required = Object.keys(shape).filter((k) => required.has(k));
  }
  delete js.default;
  const description = jsonDescription(m);
  if (description) js.description = description;
  else delete js.description;
  if (m.required === false && 'defaultValue' in m && m.defaultValue !== '(file name)') js.default = m.defaultValue;
}

function at(json: Json, ...path: string[]): Json {
  let j: Json = json;
  for (const p of path) j = (j.properties as Record<string, Json>)[p]!;
  return j;
}

/** The JSON Schema of a scenario file, as shipped in schema/scenario.schema.json. */
export function scenarioJsonSchema(): Json {
  const primary = inputJsonSchema(scenarioSchema(CONTEXTS.primary, 'scenario'));
  const b2025 = inputJsonSchema(scenarioSchema(CONTEXTS.b2025, 'scenario'));
  const dev = inputJsonSchema(scenarioSchema(CONTEXTS.dev, 'scenario'));
  const nested = (keys: string[], leaf: Json): Json =>
    keys.reduceRight<Json>((inner, k) => ({ type: 'object', properties: { [k]: inner } }), leaf);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/deploysim/deploysim/schema/scenario.schema.json',
    title: 'deploysim scenario',
    description: 'A deploysim scenario file. Generated from src/scenario/schema.ts by `npm run gen`: do not edit. Reference: docs/scenario.md.',
    ...primary,
    allOf: [
      {
        // baseten-2025: the earlier health-check page's ranges; no startup probe.
        if: { type: 'object', properties: { platform: { const: 'baseten-2025' } }, required: ['platform'] },
        then: nested(['deployment', 'runtime', 'health_checks'], at(b2025, 'deployment', 'runtime', 'health_checks')),
      },
      {
        // A development deployment: at most one replica, no custom health checks.
        if: {
          type: 'object',
          properties: { deployment: { type: 'object', properties: { environment: { const: 'development' } }, required: ['environment'] } },
          required: ['deployment'],
        },
        then: {
          type: 'object',
          properties: {
            deployment: { type: 'object', properties: { autoscaling: at(dev, 'deployment', 'autoscaling'), is_healthy: at(dev, 'deployment', 'is_healthy') } },
          },
        },
      },
    ],
  };
}

export function scenarioJsonSchemaText(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
}

// --- markdown -------------------------------------------------------------------------------

type NodeKind = 'leaf' | 'mapping' | 'list';

interface Unwrapped {
  kind: NodeKind;
  /** The innermost schema: an object, an array, or a leaf. */
  schema: z.ZodType;
  meta: FieldMeta;
}

/** Through defaults, prefaults, nullables and pipes to the object, array or leaf; metadata merged, the outermost winning. */
function unwrap(s: z.ZodType): Unwrapped {
  const layers: FieldMeta[] = [];
  let optional = false;
  let cur = s;
  for (;;) {
    const m = metaOf(cur);
    layers.push(m);
    const d = def(cur);
    if (m.input || m.inputFrom || m.tagged) break;
    if (d.type === 'default' || d.type === 'prefault' || d.type === 'optional') optional = true;
    if (d.type === 'default' || d.type === 'prefault' || d.type === 'optional' || d.type === 'nullable') cur = d.innerType as z.ZodType;
    else if (d.type === 'pipe') cur = d.in as z.ZodType;
    else break;
  }
  const meta: FieldMeta = {};
  for (const m of [...layers].reverse()) Object.assign(meta, m);
  if (optional) meta.required = false;
  const t = def(cur).type;
  const kind: NodeKind = meta.input || meta.inputFrom || meta.tagged ? 'leaf' : t === 'object' ? 'mapping' : t === 'array' ? 'list' : 'leaf';
  return { kind, schema: cur, meta };
}

interface Row {
  key: string;
  meta: FieldMeta;
  /** Link to the section that documents the value (a mapping, a list of tagged mappings, distributions). */
  link?: { title: string; anchor: string };
}

interface Section {
  /** Dotted path, `traffic (kind: poisson)`, ... */
  title: string;
  anchor: string;
  intro?: string;
  rows: Row[];
}

function anchorOf(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .trim()
    .replace(/ /g, '-');
}

/** Sections of one schema, in document order. */
function sectionsOf(root: z.ZodType): Section[] {
  const out: Section[] = [];
  const named = new Map<string, Section[]>();

  const mapping = (title: string, obj: z.ZodType, intro?: string, skipKey?: string): Section => {
    const section: Section = { title, anchor: anchorOf(title), rows: [], ...(intro ? { intro } : {}) };
    out.push(section);
    const shape = def(obj).shape as Record<string, z.ZodType>;
    for (const [key, child] of Object.entries(shape)) {
      if (key === skipKey) continue;
      const u = unwrap(child);
      const path = title === 'Top level' ? key : `${title}.${key}`;
      if (u.kind === 'mapping') {
        const sub = mapping(path, u.schema, u.meta.description);
        section.rows.push({ key, meta: { ...u.meta, valueType: 'mapping' }, link: { title: sub.title, anchor: sub.anchor } });
      } else if (u.kind === 'list') {
        const el = unwrap(def(u.schema).element as z.ZodType);
        const link = el.meta.tagged ? tagged(path, el.meta, u.meta.docSection ?? path) : undefined;
        section.rows.push({ key, meta: { ...u.meta, valueType: u.meta.valueType ?? 'list' }, ...(link ? { link } : {}) });
      } else if (u.meta.tagged) {
        section.rows.push({ key, meta: u.meta, link: tagged(path, u.meta, u.meta.docSection ?? path) });
      } else if (u.meta.inputFrom) {
        const inner = unwrap(u.meta.inputFrom);
        const link = inner.meta.tagged ? tagged(inner.meta.docSection ?? path, inner.meta, inner.meta.docSection ?? path) : undefined;
        section.rows.push({ key, meta: u.meta, ...(link ? { link } : {}) });
      } else {
        section.rows.push({ key, meta: u.meta });
      }
    }
    return section;
  };

  /** Tagged variants, one section each, documented once per name. */
  const tagged = (title: string, m: FieldMeta, name: string): { title: string; anchor: string } => {
    const t = m.tagged!;
    const head = `${title} (${t.tag}: …)`;
    if (!named.has(name)) {
      const sections: Section[] = [];
      named.set(name, sections);
      for (const [variant, schema] of Object.entries(t.variants)) {
        const u = unwrap(schema);
        const refusal = t.refused?.[variant];
        const s = mapping(`${title} (${t.tag}: ${variant})`, u.schema, refusal ? `Not everywhere: ${refusal}.` : undefined, t.tag);
        sections.push(s);
      }
    }
    const first = named.get(name)![0]!;
    return { title: head, anchor: first.anchor };
  };

  mapping('Top level', unwrap(root).schema);
  return out;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function defaultText(m: FieldMeta): string {
  if (m.required !== false) return '**required**';
  if (!('defaultValue' in m)) return '';
  const v = m.defaultValue;
  if (v === null) return 'null';
  if (v === '') return '`""`';
  if (typeof v === 'string') return v.startsWith('(') ? v : `\`${v}\``;
  return `\`${JSON.stringify(v)}\``;
}

function sourceText(m: FieldMeta): string {
  const s = m.source ?? 'deploysim';
  if (s.startsWith('http')) {
    const page = s.replace(/^https?:\/\/docs\.baseten\.co\//, '');
    return `[Baseten docs: ${page}](${s})`;
  }
  return s;
}

/** "both", or what each profile says when they differ (range, default). */
function platformText(path: string, m: FieldMeta, others: { b2025: Map<string, FieldMeta>; dev: Map<string, FieldMeta> }): string {
  const notes: string[] = [];
  const o = others.b2025.get(path);
  const same = (a: FieldMeta | undefined) => !a || (a.range === m.range && JSON.stringify(a.defaultValue) === JSON.stringify(m.defaultValue) && a.valueType === m.valueType);
  if (!same(o)) {
    notes.push(`baseten-2026: ${m.range ?? ''}${m.required === false ? `, default ${defaultText(m)}` : ''}`);
    notes.push(`baseten-2025: ${o!.range ?? ''}${o!.required === false && o!.valueType !== 'refused' ? `, default ${defaultText(o!)}` : ''}`);
  }
  const d = others.dev.get(path);
  if (!same(d)) notes.push(`development: ${d!.range ?? ''}`);
  return notes.length === 0 ? 'both' : notes.join('<br>');
}

function flat(sections: Section[]): Map<string, FieldMeta> {
  const m = new Map<string, FieldMeta>();
  for (const s of sections) for (const r of s.rows) m.set(`${s.title}/${r.key}`, r.meta);
  return m;
}

function typeText(r: Row): string {
  const t = r.meta.valueType ?? '';
  const base = t.startsWith('one of ') ? t.slice('one of '.length).split(', ').map((v) => `\`${v}\``).join(' | ') : t;
  return r.link ? `${base} ([${r.link.title}](#${r.link.anchor}))` : base;
}

/** docs/scenario.md: the generated tables, with the hand-written `prose` (same-instant order, fault semantics) embedded. */
export function scenarioReferenceMarkdown(prose: string): string {
  const primary = sectionsOf(scenarioSchema(CONTEXTS.primary, 'scenario'));
  const others = {
    b2025: flat(sectionsOf(scenarioSchema(CONTEXTS.b2025, 'scenario'))),
    dev: flat(sectionsOf(scenarioSchema(CONTEXTS.dev, 'scenario'))),
  };
  const lines: string[] = [];
  lines.push('# Scenario file reference');
  lines.push('');
  lines.push('<!-- Generated by `npm run gen` from the metadata in src/scenario/schema.ts and src/scenario/fields.ts,');
  lines.push('     with the prose of src/scenario/reference-prose.md. Do not edit: a test fails when this file is stale. -->');
  lines.push('');
  lines.push('Every key of a scenario file, with its type, default, allowed range, unit, platform profile and source.');
  lines.push('**Durations** are seconds, written as a number (`90`, `0.5`) or with a unit (`500ms`, `90s`, `15m`, `2h`, `1d`).');
  lines.push('A **distribution** is a bare duration (a constant) or a mapping with `dist:` (see [distributions](#distributions-dist-)).');
  lines.push('**Platform**: `both` when `baseten-2025` and `baseten-2026` agree; otherwise what each allows. **Source**: the');
  lines.push('platform\'s documentation the key, range and default follow, or `deploysim` for a choice of this model (docs/model-choices.md).');
  lines.push('Unknown keys are errors. Editors that read JSON Schema (e.g. VS Code with the YAML extension) complete and check keys');
  lines.push('from [`schema/scenario.schema.json`](../schema/scenario.schema.json): start a file with');
  lines.push('`# yaml-language-server: $schema=../schema/scenario.schema.json` (the path relative to the file).');
  lines.push('');
  lines.push('## Contents');
  lines.push('');
  for (const s of primary) lines.push(`- [${s.title}](#${s.anchor})`);
  lines.push('- [Same-instant order and fault semantics](#same-instant-order-and-fault-semantics)');
  lines.push('');
  for (const s of primary) {
    lines.push(`## ${s.title}`);
    lines.push('');
    if (s.intro) {
      lines.push(s.intro);
      lines.push('');
    }
    lines.push('| key | type | default | range | unit | platform | source | meaning |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const r of s.rows) {
      const m = r.meta;
      lines.push(
        `| \`${r.key}\` | ${cell(typeText(r))} | ${cell(defaultText(m))} | ${cell(m.valueType === 'mapping' ? '' : (m.range ?? ''))} | ${cell(m.unit ?? '')} | ${cell(platformText(`${s.title}/${r.key}`, m, others))} | ${cell(sourceText(m))} | ${cell(m.description ?? '')} |`,
      );
    }
    lines.push('');
  }
  lines.push('## Same-instant order and fault semantics');
  lines.push('');
  lines.push(prose.trim());
  lines.push('');
  return lines.join('\n');
}
