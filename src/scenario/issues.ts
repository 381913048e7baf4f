/**
 * Turning validation issues into lines a stranger can act on, all of one shape:
 *
 *   scenarios/x.yaml:12:7 deployment.runtime.health_checks.restart_threshold_seconds: found 20, allowed 30–1800 (baseten-2025)
 *
 * The position is the value's (the key's for an unknown key, the parent mapping's for a
 * missing key). A problem inside a `--set` override has no position: its label stands instead.
 */
import { stringify } from 'yaml';
import type { z } from 'zod';
import { scenarioSchema } from './schema.js';
import { UNKNOWN_KEYS_PREFIX } from './fields.js';
import { locate, writtenNumber, type Override, type Path, type Source } from './source.js';
import { clipText, closest } from './suggest.js';
import { grouped } from '../text/human.js';

/** One thing wrong, before formatting. */
export interface Problem {
  path: Path;
  /** What would have been allowed. */
  allowed: string;
  /** The value used when the key is absent (a default), shown as `found nothing (default X)`. */
  defaulted?: string;
  /** Set for a key that the mapping does not have: the keys it does have. */
  unknownKey?: readonly string[];
  /** What was found, when it is not the value at `path` (e.g. a YAML tag, an estimate). */
  found?: string;
  /** Where to report it, when not at the value's position (e.g. at the tag). */
  at?: { line: number; col: number };
}

export class ScenarioError extends Error {
  /** One formatted line per problem. */
  readonly messages: string[];
  constructor(messages: string[]) {
    super(messages.join('\n'));
    this.name = 'ScenarioError';
    this.messages = messages;
  }
}

export function problemsFromZod(issues: readonly z.core.$ZodIssue[]): Problem[] {
  const out: Problem[] = [];
  for (const iss of issues) {
    const path = iss.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (iss.code === 'unrecognized_keys' && iss.message.startsWith(UNKNOWN_KEYS_PREFIX)) {
      const allowed = iss.message.slice(UNKNOWN_KEYS_PREFIX.length).split(',');
      for (const key of iss.keys) out.push({ path: [...path, key], allowed: '', unknownKey: allowed });
    } else {
      const defaulted = iss.code === 'custom' ? (iss.params as { defaulted?: unknown } | undefined)?.defaulted : undefined;
      out.push(defaulted === undefined ? { path, allowed: iss.message } : { path, allowed: iss.message, defaulted: String(defaulted) });
    }
  }
  return out;
}

export function pathText(path: Path): string {
  if (path.length === 0) return '(top level)';
  // Long keys and deep paths are cut so one line stays readable.
  // A key that is empty, has spaces or a dot is quoted, so the path reads unambiguously.
  const segs = path.map((s) => (typeof s === 'string' && (s === '' || /[\s.]/.test(s)) ? JSON.stringify(clipText(s, 40)) : clipText(String(s), 40)));
  return segs.length > 12 ? `${segs.slice(0, 12).join('.')}.…` : segs.join('.');
}

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[String(seg)];
  }
  return v;
}

/** A value as it reads in a message: numbers bare, strings quoted, collections by kind. */
export function render(v: unknown): string {
  if (v === undefined) return 'nothing (the key is required)';
  if (v === null) return 'null';
  if (typeof v === 'string') return v.length > 60 ? `${JSON.stringify(`${v.slice(0, 57)}…`)} (${grouped(v.length)} characters)` : JSON.stringify(v);
  if (typeof v === 'object') {
    // Short collections as they would be written in flow style: `{ fraction: 1.5 }`.
    const flow = stringify(v, { collectionStyle: 'flow', lineWidth: 0 }).trim();
    if (flow.length <= 50) return flow;
    return Array.isArray(v) ? `a list of ${v.length}` : 'a mapping';
  }
  return String(v);
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}

/** Where a problem is reported: `file:line:col key.path` or `--set ... [key.path]`. */
function where(
  p: Problem,
  file: string,
  source: Source,
  overrides: readonly Override[],
  origin?: (path: Path) => string | null,
): { text: string; order: [number, number, number]; namesKey?: boolean } {
  // The last override that covers the path wins, as it was applied last.
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i]!;
    // Covered: the problem is inside what the override set, or is an unknown key it created.
    if (startsWith(p.path, o.path) || (p.unknownKey && startsWith(o.path, p.path))) {
      const written = (o.keys ?? o.path).length;
      // An unknown key on the path as written: whatever the value, the same problem.
      if (p.unknownKey && p.path.length <= written) {
        // `--set foo.bar=1: found an unknown key `foo``, not `--set foo.bar=1 foo: ...`.
        return { text: o.keyLabel ?? o.label, order: [Infinity, i, 0], namesKey: p.path.length < written };
      }
      const sub = p.path.length !== written ? ` ${pathText(p.path)}` : '';
      return { text: `${o.label}${sub}`, order: [Infinity, i, 0] };
    }
  }
  // A value the scenario took from another file (its truss config.yaml) is reported there.
  const elsewhere = p.unknownKey ? null : origin?.(p.path);
  if (elsewhere) return { text: `${elsewhere} ${pathText(p.path)}`, order: [-1, 0, 0] };
  const pos = locate(source, p.path);
  const at = p.at ?? (p.unknownKey ? pos.key : pos.value);
  return { text: `${file}:${at.line}:${at.col} ${pathText(p.path)}`, order: [at.line, at.col, 0] };
}

export function formatProblems(
  problems: readonly Problem[],
  ctx: { file: string; source: Source; data: unknown; overrides: readonly Override[]; origin?: (path: Path) => string | null },
): string[] {
  const lines = problems.map((p, n) => {
    const w = where(p, ctx.file, ctx.source, ctx.overrides, ctx.origin);
    let body: string;
    if (p.unknownKey) {
      const key = String(p.path[p.path.length - 1]);
      const near = closest(key, p.unknownKey);
      const home = near ? undefined : keyHomes().get(key);
      const hint = near ? ` (did you mean \`${near}\`?)` : home ? ` (\`${key}\` belongs in ${home.map((h) => `\`${h}\``).join(' or ')})` : '';
      body = `found an unknown key${w.namesKey ? ` \`${clipText(key)}\`` : ''}, allowed ${p.unknownKey.join(', ')}${hint}`;
    } else {
      const v = valueAt(ctx.data, p.path);
      // Override values keep how they were written too (`--set seed=0x10`).
      const w0 = writtenNumber(ctx.source, p.path);
      const written = w0 === undefined ? undefined : clipText(w0);
      const found = p.found ?? (v === undefined && p.defaulted !== undefined ? `nothing (the default ${p.defaulted})` : (written ?? render(v)));
      body = `found ${found}, allowed ${p.allowed}`;
    }
    return { line: `${w.text}: ${body}`, order: [...w.order.slice(0, 2), n] as number[] };
  });
  lines.sort((a, b) => a.order[0]! - b.order[0]! || a.order[1]! - b.order[1]! || a.order[2]! - b.order[2]!);
  return [...new Set(lines.map((l) => l.line))];
}

let homes: Map<string, string[]> | null = null;

/**
 * Where each settings key lives, from the shape of a parsed scenario with every default:
 * `max_replica` → deployment.autoscaling. For a key put in the wrong mapping. Lists and
 * distributions are skipped: their keys depend on `kind:`/`dist:`.
 */
function keyHomes(): Map<string, string[]> {
  if (homes) return homes;
  const found = new Map<string, string[]>();
  const walk = (v: unknown, path: string[]) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || 'dist' in v) return;
    for (const [k, child] of Object.entries(v)) {
      const home = path.length === 0 ? '(top level)' : path.join('.');
      found.set(k, [...(found.get(k) ?? []), home]);
      walk(child, [...path, k]);
    }
  };
  walk(scenarioSchema({ file: '', platform: 'baseten-2025', environment: 'production', firstNonTrace: null }, 'scenario').parse({ traffic: [{ kind: 'constant', rate: 1 }] }), []);
  homes = found;
  return found;
}

/** A warning about the value at `path`, in the shape of an error line. */
export function formatWarning(
  path: Path,
  text: (found: string) => string,
  ctx: { file: string; source: Source; data: unknown; overrides: readonly Override[]; origin?: (path: Path) => string | null },
): string {
  const w = where({ path, allowed: '' }, ctx.file, ctx.source, ctx.overrides, ctx.origin);
  return `${w.text}: ${text(render(valueAt(ctx.data, path)))}`;
}
