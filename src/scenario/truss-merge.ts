/**
 * `deployment.truss_config` (SPEC §13): the user's truss config.yaml under the scenario's
 * deployment. The file's values are the base; keys written in the scenario (or given with
 * `--set`) win leaf by leaf. A problem with a value that came from the truss file is reported
 * at the truss file's own line and column, and `provenance` says where each setting came from.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ScenarioError } from './issues.js';
import type { Override, Path, Source } from './source.js';
import { locate } from './source.js';
import { readTrussConfig, TrussError, type TrussConfigRead } from './truss.js';

export interface TrussUse {
  read: TrussConfigRead;
  /** Absolute path (a sweep hashes the file). */
  path: string;
}

/** Where one setting's value came from, as written in config.json. */
export type Provenance =
  | { from: 'scenario'; at: string }
  | { from: 'override'; label: string }
  | { from: 'truss'; at: string; key: string; truss_default?: true }
  | { from: 'price table'; of: string }
  | { from: 'default' };

/** The settings a truss file can give, in the order config.json lists them. */
export const PROVENANCE_KEYS: readonly Path[] = [
  ['name'],
  ['deployment', 'instance', 'type'],
  ['deployment', 'instance', 'count'],
  ['deployment', 'instance', 'price_per_minute'],
  ['deployment', 'runtime', 'predict_concurrency'],
  ['deployment', 'runtime', 'health_checks', 'stop_traffic_threshold_seconds'],
  ['deployment', 'runtime', 'health_checks', 'restart_threshold_seconds'],
  ['deployment', 'runtime', 'health_checks', 'restart_check_delay_seconds'],
  ['deployment', 'runtime', 'health_checks', 'startup_threshold_seconds'],
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const seg of path) {
    if (!isRecord(v)) return undefined;
    v = v[String(seg)];
  }
  return v;
}

/** `over` written onto `base`, mapping by mapping; a leaf of `over` wins. */
function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isRecord(v) && isRecord(base[k]) ? deepMerge(base[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

/**
 * The scenario data with the truss file's values under it, or the data unchanged when there is
 * no `deployment.truss_config` (or it is not a string: the schema reports that). Throws a
 * ScenarioError with the truss file's own positions when the file cannot be read as truss reads it.
 */
export function withTruss(data: unknown, scenarioFile: string, at: Path = ['deployment']): { data: unknown; truss: TrussUse | null } {
  const rel = valueAt(data, [...at, 'truss_config']);
  if (typeof rel !== 'string' || rel === '') return { data, truss: null };
  const path = isAbsolute(rel) ? rel : resolve(dirname(resolve(scenarioFile)), rel);
  const label = isAbsolute(rel) ? rel : join(dirname(scenarioFile), rel);
  let read: TrussConfigRead;
  try {
    read = readTrussConfig(path, label);
  } catch (e) {
    if (e instanceof TrussError) throw new ScenarioError(e.messages);
    throw e;
  }
  const deployment = valueAt(data, at) as Record<string, unknown>;
  const v = read.values;
  const instance: Record<string, unknown> = { ...v.instance };
  const own = isRecord(deployment.instance) ? deployment.instance : {};
  // "H100:2" is one fact: a scenario that names another type does not inherit the file's count
  // or the price computed for the file's type.
  if (own.type !== undefined) delete instance.count;
  if (own.type !== undefined || own.count !== undefined) delete instance.price_per_minute;
  const base: Record<string, unknown> = {
    instance,
    runtime: {
      ...(v.runtime.predict_concurrency !== undefined ? { predict_concurrency: v.runtime.predict_concurrency } : {}),
      health_checks: { ...v.runtime.health_checks },
    },
  };
  const merged = setAt(data, at, deepMerge(base, deployment)) as Record<string, unknown>;
  // The model's name names the run only for a single deployment (a chainlet has its own name).
  if (at.length === 1 && merged.name === undefined && v.name !== undefined) merged.name = v.name;
  return { data: merged, truss: { read, path } };
}

/**
 * Every truss file of the scenario: the deployment's, or each chainlet's (SPEC §13: chainlets take
 * truss_config too), merged under the mapping that names it.
 */
export function withTrussFiles(data: unknown, scenarioFile: string): { data: unknown; files: { at: Path; truss: TrussUse }[] } {
  const files: { at: Path; truss: TrussUse }[] = [];
  let out = data;
  const chainlets = valueAt(data, ['chain', 'chainlets']);
  const places: Path[] = [['deployment'], ...(isRecord(chainlets) ? Object.keys(chainlets).map((n) => ['chain', 'chainlets', n]) : [])];
  for (const at of places) {
    if (!isRecord(valueAt(out, at))) continue;
    const r = withTruss(out, scenarioFile, at);
    out = r.data;
    if (r.truss) files.push({ at, truss: r.truss });
  }
  return { data: out, files };
}

/** A copy of `data` with the mapping at `path` replaced by `value` (the mappings on the way copied). */
function setAt(data: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const obj = isRecord(data) ? { ...data } : {};
  const k = String(path[0]);
  obj[k] = setAt(obj[k], path.slice(1), value);
  return obj;
}

/** The truss file's position for a setting of any deployment mapping the scenario does not write itself. */
export function trussOriginIn(files: readonly { at: Path; truss: TrussUse }[], own: unknown, path: Path): string | null {
  if (valueAt(own, path) !== undefined) return null;
  for (const f of files) {
    const top = f.at.length === 1;
    const inside = f.at.length <= path.length && f.at.every((s, i) => String(s) === String(path[i]));
    const sub = inside ? path.slice(f.at.length).map(String) : top && path.length === 1 && path[0] === 'name' ? ['name'] : null;
    if (!sub) continue;
    const o = f.truss.read.positions(sub);
    if (!o || o.defaulted) return null;
    return `${f.truss.read.file}:${o.line}:${o.col}`;
  }
  return null;
}

/** The truss file's position for a setting the scenario itself does not write, for error lines. */
export function trussOrigin(truss: TrussUse | null, own: unknown, path: Path): string | null {
  if (!truss || valueAt(own, path) !== undefined) return null;
  const sub = path[0] === 'deployment' ? path.slice(1) : path[0] === 'name' ? ['name'] : null;
  if (!sub) return null;
  const o = truss.read.positions(sub.map(String));
  if (!o || o.defaulted) return null;
  return `${truss.read.file}:${o.line}:${o.col}`;
}

/** Where each setting a truss file can give came from (scenario, --set, truss file, price table, default). */
export function provenanceOf(
  truss: TrussUse | null,
  own: unknown,
  ctx: { file: string; source: Source; overrides: readonly Override[] },
  resolved: { type: string | null; count: number },
): Record<string, Provenance> {
  const out: Record<string, Provenance> = {};
  for (const path of PROVENANCE_KEYS) {
    const key = path.join('.');
    const o = [...ctx.overrides].reverse().find((x) => x.path.length <= path.length && x.path.every((s, i) => String(s) === String(path[i])));
    if (o) {
      out[key] = { from: 'override', label: o.label };
      continue;
    }
    if (valueAt(own, path) !== undefined) {
      const at = locate(ctx.source, path).value;
      out[key] = { from: 'scenario', at: `${ctx.file}:${at.line}:${at.col}` };
      continue;
    }
    const sub = path[0] === 'deployment' ? path.slice(1).map(String) : ['name'];
    const origin = truss?.read.positions(sub) ?? null;
    // The price of a priced type is the table's, whether the type came from the file or the scenario.
    if (key === 'deployment.instance.price_per_minute' && (!origin || origin.defaulted)) {
      out[key] = { from: 'price table', of: `${resolved.type} × ${resolved.count}` };
      continue;
    }
    if (origin) {
      out[key] = { from: 'truss', at: `${truss!.read.file}:${origin.line}:${origin.col}`, key: origin.key, ...(origin.defaulted ? { truss_default: true as const } : {}) };
      continue;
    }
    out[key] = { from: 'default' };
  }
  return out;
}
