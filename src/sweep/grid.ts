/**
 * `--vary key.path=v1,v2,...` parsing and the grid of variants.
 *
 * The grid is the cartesian product of the --vary lists, the first --vary varying slowest:
 * `--vary a=1,2 --vary b=x,y` gives (1,x) (1,y) (2,x) (2,y). Variant 0 (the first value of
 * every --vary) is the baseline the others are compared with. The run list is every variant
 * on every seed, variant-major: run k = variant ⌊k / seeds⌋ on the (k mod seeds)-th seed.
 */
import { parse as parseYaml } from 'yaml';

export interface VaryAxis {
  /** Scenario key path, e.g. `deployment.autoscaling.scale_down_delay`. */
  key: string;
  /** Values as written (the scenario loader parses them as YAML scalars). */
  values: string[];
}

export interface Variant {
  index: number;
  /** One value per axis, in axis order. */
  values: string[];
  /** Human label: `key=value, key=value` (the last key segment only). */
  label: string;
  /** Scenario file this variant runs (sweep: the one file; compare: its own file). */
  file: string;
  /** `--set`-style overrides: `key.path=value`. */
  overrides: string[];
}

export interface Run {
  /** Position in the deterministic run list (variant-major, then seed). */
  k: number;
  variant: number;
  seed: number;
}

export class GridError extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join('\n'));
    this.name = 'GridError';
  }
}

/** Split on commas that are not inside [], {} or quotes, so `--vary x=[1,2],[3]` has two values. */
export function splitValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur.trim());
  return out;
}

const KEY_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_]*|[0-9]+))*$/;

/** Parse every --vary; collects all problems before throwing. */
export function parseVary(specs: readonly string[]): VaryAxis[] {
  const errors: string[] = [];
  const axes: VaryAxis[] = [];
  if (specs.length === 0) errors.push('--vary: at least one is required, e.g. --vary deployment.autoscaling.scale_down_delay=60,300,900');
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq < 0) {
      errors.push(`--vary ${spec}: expected key.path=v1,v2,... (no "=" found)`);
      continue;
    }
    const key = spec.slice(0, eq).trim();
    if (!KEY_PATH.test(key)) {
      errors.push(`--vary ${spec}: "${key}" is not a key path (expected e.g. deployment.runtime.health_checks.stop_traffic_threshold_seconds)`);
      continue;
    }
    const values = splitValues(spec.slice(eq + 1));
    if (values.some((v) => v === '')) {
      errors.push(`--vary ${spec}: empty value in the list (expected key.path=v1,v2,...)`);
      continue;
    }
    const dup = values.find((v, i) => values.indexOf(v) !== i);
    if (dup !== undefined) {
      errors.push(`--vary ${spec}: value ${dup} is listed twice`);
      continue;
    }
    if (axes.some((a) => a.key === key)) {
      errors.push(`--vary ${spec}: ${key} is already varied by another --vary`);
      continue;
    }
    axes.push({ key, values });
  }
  errors.push(...overlaps(axes));
  if (errors.length > 0) throw new GridError(errors);
  return axes;
}

/**
 * The leaves an axis value sets, as `--set` applies it (src/scenario/source.ts applyOverride): a
 * non-empty mapping merges into the file's mapping leaf by leaf (nested mappings too), anything
 * else sets the key itself. A value that is not valid YAML sets the key (the loader reports it).
 */
export function axisLeaves(key: string, valueText: string): string[] {
  let value: unknown;
  try {
    value = parseYaml(valueText);
  } catch {
    return [key];
  }
  const out: string[] = [];
  const walk = (path: string, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
      for (const [k, sub] of Object.entries(v as Record<string, unknown>)) walk(`${path}.${k}`, sub);
    } else out.push(path);
  };
  walk(key, value);
  return out;
}

/** `a.b` is `a.b` or inside it (`a.b.c`), segment-wise (`a.bc` is not inside `a.b`). */
function within(path: string, outer: string): boolean {
  return path === outer || path.startsWith(outer + '.');
}

/**
 * Two axes that address the same leaf (`a.b=1` and `a={b: 2}`), or one inside the other's value
 * (`a.b.c=1` and `a.b=5`): which value a variant runs would depend on the order they are applied, so
 * the grid would label settings that did not run. Refused, naming both (as `--set` refuses two
 * values for one key).
 */
function overlaps(axes: readonly VaryAxis[]): string[] {
  const errors: string[] = [];
  const leaves = axes.map((a) => [...new Set(a.values.flatMap((v) => axisLeaves(a.key, v)))]);
  for (let i = 0; i < axes.length; i++) {
    for (let j = i + 1; j < axes.length; j++) {
      let clash: string | null = null;
      for (const p of leaves[i]!) {
        for (const q of leaves[j]!) {
          if (within(p, q)) clash = p; // the inner leaf: the other axis replaces or sets it
          else if (within(q, p)) clash = q;
          if (clash) break;
        }
        if (clash) break;
      }
      if (clash === null) continue;
      const a = axes[i]!.key;
      const b = axes[j]!.key;
      errors.push(`--vary ${a} and --vary ${b} both set ${clash}: allowed one --vary per key (a mapping value merges leaf by leaf, so vary ${clash} in one of them only)`);
    }
  }
  return errors;
}

/**
 * The shortest dotted suffix of each key that no other key ends with, for labels:
 * `traffic.0.rate` and `faults.0.rate` → `traffic.0.rate`, `faults.0.rate`; a lone key → its last segment.
 */
export function shortKeys(keys: readonly string[]): string[] {
  return keys.map((key) => {
    const parts = key.split('.');
    for (let n = 1; n <= parts.length; n++) {
      const tail = parts.slice(-n).join('.');
      if (!keys.some((k) => k !== key && (k === tail || k.endsWith('.' + tail)))) return tail;
    }
    return key;
  });
}

/** All combinations, first axis slowest. Labels here are the values as written; the outputs relabel them from the configs that ran (labels.ts). */
export function expandGrid(axes: readonly VaryAxis[], file: string): Variant[] {
  let combos: string[][] = [[]];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => [...c, v]));
  const short = shortKeys(axes.map((a) => a.key));
  return combos.map((values, index) => ({
    index,
    values,
    label: values.map((v, i) => `${short[i]}=${v}`).join(', '),
    file,
    overrides: values.map((v, i) => `${axes[i]!.key}=${v}`),
  }));
}

/** `compare a.yaml b.yaml`: each file is a variant, no overrides; the axis is `scenario`. */
export function compareVariants(files: readonly string[]): Variant[] {
  return files.map((file, index) => ({ index, values: [file], label: file, file, overrides: [] }));
}

export function seedList(count: number, first: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

export function runList(variantCount: number, seeds: readonly number[]): Run[] {
  const runs: Run[] = [];
  for (let v = 0; v < variantCount; v++) {
    for (let j = 0; j < seeds.length; j++) runs.push({ k: v * seeds.length + j, variant: v, seed: seeds[j]! });
  }
  return runs;
}
