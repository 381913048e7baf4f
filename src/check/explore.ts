/**
 * `explore:` — which scenario values `deploysim check` varies (docs/check.md).
 *
 *   explore:
 *     traffic.0.rate: [1, 20]                   # two numbers: a range, integers when both ends are
 *     faults.0.at: [1m, 30m]                    # two durations: a range in seconds
 *     faults.0.kind: [cuda_error, hang]         # anything else: a list of choices
 *     deployment.runtime.predict_concurrency: { one_of: [1, 2] }     # choices, explicitly
 *     deployment.startup.load_failure_probability: { min: 0, max: 0.5, step: 0.05 }
 *
 * Keys are paths into the scenario, list indices as numbers. A dimension is a grid of values
 * (gridSize, gridValue): `check` picks points of it (samples.ts) and searches along it (boundary.ts).
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import { parseDuration } from '../scenario/duration.js';
import { duration } from '../text/human.js';

export type Path = (string | number)[];

interface DimensionBase {
  /** The key as written under explore:, e.g. "traffic.0.rate". */
  key: string;
  path: Path;
  /** Where the key is written. */
  line: number;
  col: number;
}

export type Dimension =
  | (DimensionBase & { kind: 'range'; min: number; max: number; step: number; duration: boolean })
  | (DimensionBase & { kind: 'choice'; values: unknown[] });

/** A problem with `explore:`, formatted like the scenario loader's: `file:line:col key: message`. */
export interface ExploreProblem {
  line: number;
  col: number;
  key: string;
  message: string;
}

const RESERVED = new Set(['explore', 'expect']);

function pos(lines: LineCounter, node: unknown): { line: number; col: number } {
  const r = (node as Node | null)?.range;
  return r ? lines.linePos(r[0]) : { line: 1, col: 1 };
}

function numberOrDuration(node: unknown): { value: number; duration: boolean } | null {
  if (!isScalar(node)) return null;
  const v = node.value;
  if (typeof v === 'number') return Number.isFinite(v) ? { value: v, duration: false } : null;
  if (typeof v === 'string') {
    const d = parseDuration(v);
    return d === null ? null : { value: d, duration: true };
  }
  return null;
}

/** Default step of a range: 1 for integer ends, else a power of ten giving about 1,000 values. */
function defaultStep(min: number, max: number): number {
  if (Number.isInteger(min) && Number.isInteger(max)) return 1;
  const span = max - min;
  if (span <= 0) return 1;
  return 10 ** Math.floor(Math.log10(span / 1000));
}

/** Splits "traffic.0.rate" (or "traffic[0].rate") into segments; digits become list indices. */
export function splitKey(key: string): Path | null {
  const norm = key.replace(/\[(\d+)\]/g, '.$1');
  const segs = norm.split('.');
  if (segs.some((s) => s.trim() === '')) return null;
  return segs.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Checks that `path` can be set in the scenario: every list index on the way exists, nothing on
 * the way is a scalar. Missing mapping keys are fine (they are created, like `--set`).
 */
function checkPath(doc: Document, path: Path): string | null {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const here = i === 0 ? 'the top level' : path.slice(0, i).join('.');
    if (node === undefined || node === null) return null; // created on set
    if (isSeq(node)) {
      if (typeof seg !== 'number') return `${here} is a list: the next segment must be an index (0, 1, ...), found "${seg}"`;
      if (seg >= node.items.length) return `${here} has ${node.items.length} entr${node.items.length === 1 ? 'y' : 'ies'}: index ${seg} does not exist`;
      node = node.items[seg];
    } else if (isMap(node)) {
      if (typeof seg === 'number' && !(node as YAMLMap).items.some((p: Pair) => isScalar(p.key) && String(p.key.value) === String(seg))) {
        return `${here} is a mapping, not a list: index ${seg} does not exist`;
      }
      const pair = (node as YAMLMap).items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === String(seg));
      node = pair?.value;
      if (pair === undefined) return null;
    } else {
      return `${here} is a single value, it has no "${seg}"`;
    }
  }
  return null;
}

/** Reads the `explore:` mapping of a scenario document. */
export function parseExplore(doc: Document, lines: LineCounter): { dimensions: Dimension[]; problems: ExploreProblem[] } {
  const dimensions: Dimension[] = [];
  const problems: ExploreProblem[] = [];
  const root = doc.contents;
  const node = isMap(root) ? root.items.find((p) => isScalar(p.key) && p.key.value === 'explore')?.value : undefined;
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) return { dimensions, problems };
  if (!isMap(node)) {
    const p = pos(lines, node);
    problems.push({ ...p, key: 'explore', message: 'found a value, allowed a mapping of key paths to ranges or choices (docs/check.md)' });
    return { dimensions, problems };
  }
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const kp = pos(lines, pair.key);
    const vp = pair.value ? pos(lines, pair.value) : kp;
    const label = `explore.${key}`;
    const problem = (message: string, at = vp): void => {
      problems.push({ ...at, key: label, message });
    };
    const path = splitKey(key);
    if (!path) {
      problem('not a key path: write it like traffic.0.rate', kp);
      continue;
    }
    if (typeof path[0] === 'string' && RESERVED.has(path[0])) {
      problem(`${path[0]} cannot be explored`, kp);
      continue;
    }
    const bad = checkPath(doc, path);
    if (bad) {
      problem(bad, kp);
      continue;
    }
    const clash = dimensions.find((d) => isPrefix(d.path, path) || isPrefix(path, d.path));
    if (clash) {
      problem(`overlaps ${clash.key} (line ${clash.line}): one key path may not contain another`, kp);
      continue;
    }
    const base = { key, path, line: kp.line, col: kp.col };
    const v = pair.value;
    if (isSeq(v)) {
      const ends = v.items.map(numberOrDuration);
      if (v.items.length === 2 && ends[0] && ends[1]) {
        const r = range(ends[0].value, ends[1].value, null, ends[0].duration || ends[1].duration);
        if (typeof r === 'string') problem(r);
        else dimensions.push({ ...base, ...r });
        continue;
      }
      if (v.items.length === 0) {
        problem('found an empty list, allowed [low, high] or a list of choices');
        continue;
      }
      dimensions.push({ ...base, kind: 'choice', values: v.items.map((n) => (n as Node).toJSON?.() ?? n) });
      continue;
    }
    if (isMap(v)) {
      const keys = v.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ''));
      const get = (k: string): unknown => v.items.find((p) => isScalar(p.key) && p.key.value === k)?.value;
      if (keys.length === 1 && keys[0] === 'one_of') {
        const list = get('one_of');
        if (!isSeq(list) || list.items.length === 0) problem('one_of: found no list, allowed a non-empty list of choices');
        else dimensions.push({ ...base, kind: 'choice', values: list.items.map((n) => (n as Node).toJSON?.() ?? n) });
        continue;
      }
      const unknown = keys.filter((k) => !['min', 'max', 'step'].includes(k));
      if (unknown.length || !keys.includes('min') || !keys.includes('max')) {
        problem(`found keys ${keys.join(', ') || '(none)'}, allowed { min, max, step } or { one_of: [...] }`);
        continue;
      }
      const lo = numberOrDuration(get('min'));
      const hi = numberOrDuration(get('max'));
      const st = keys.includes('step') ? numberOrDuration(get('step')) : null;
      if (!lo || !hi || (keys.includes('step') && !st)) {
        problem('min, max and step must be numbers or durations (500ms, 90s, 15m, 2h)');
        continue;
      }
      const r = range(lo.value, hi.value, st ? st.value : null, lo.duration || hi.duration);
      if (typeof r === 'string') problem(r);
      else dimensions.push({ ...base, ...r });
      continue;
    }
    problem('found a single value, allowed [low, high], a list of choices, { min, max, step } or { one_of: [...] }');
  }
  return { dimensions, problems };
}

function isPrefix(a: Path, b: Path): boolean {
  return a.length <= b.length && a.every((s, i) => String(s) === String(b[i]));
}

function range(min: number, max: number, step: number | null, duration: boolean): { kind: 'range'; min: number; max: number; step: number; duration: boolean } | string {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return `found a range with a non-finite end, allowed finite numbers`;
  if (min > max) return `found the range [${min}, ${max}], allowed low ≤ high`;
  const s = step ?? defaultStep(min, max);
  if (!(s > 0)) return `found step ${s}, allowed a step > 0`;
  if ((max - min) / s > 1e9) return `found ${Math.round((max - min) / s)} steps, allowed at most 1e9: give a larger step`;
  return { kind: 'range', min, max, step: s, duration };
}

/** Number of steps of a range (its distinct values minus one). */
function steps(d: Extract<Dimension, { kind: 'range' }>): number {
  return Math.floor((d.max - d.min) / d.step + 1e-9);
}

/** The k-th value of a range, without float dust (0.1 + 2 × 0.1 = 0.3). */
function rangeValue(d: Extract<Dimension, { kind: 'range' }>, k: number): number {
  return Math.min(d.max, Number((d.min + k * d.step).toPrecision(12)));
}

/** How many values a dimension has: a range's grid points, or its choices. */
export function gridSize(d: Dimension): number {
  return d.kind === 'choice' ? d.values.length : steps(d) + 1;
}

/** The k-th value of a dimension (0 ≤ k < gridSize): the range's k-th grid point, or the k-th choice. */
export function gridValue(d: Dimension, k: number): unknown {
  return d.kind === 'choice' ? d.values[k] : rangeValue(d, k);
}

/** The values a dimension's validation tries: both ends of a range, every choice. */
export function cornerValues(d: Dimension): unknown[] {
  if (d.kind === 'choice') return d.values;
  return d.min === d.max ? [d.min] : [d.min, rangeValue(d, steps(d))];
}

/** "754 s (12m34s)" for durations, the number for numbers, YAML-ish for choices. */
export function describeValue(d: Dimension, v: unknown): string {
  if (d.kind === 'range' && d.duration && typeof v === 'number') return `${v} s${v >= 60 ? ` (${duration(v)})` : ''}`;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** How the explored space reads in a report line. */
export function describeDimension(d: Dimension): string {
  if (d.kind === 'choice') return d.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' | ');
  const unit = d.duration ? ' s' : '';
  const grain = d.step === 1 ? (d.duration ? ', whole seconds' : ', integers') : `, step ${d.step}`;
  return `${d.min}${unit} – ${d.max}${unit} (${steps(d) + 1} values${grain})`;
}

/**
 * A copy of the scenario document with each dimension's value set. With `strip`, `explore:` and
 * `expect:` are removed (the result is then a plain scenario anyone can run).
 */
export function applyValues(doc: Document, dims: readonly Dimension[], values: readonly unknown[], strip: boolean): Document {
  const out = doc.clone();
  if (strip && isMap(out.contents)) {
    out.delete('explore');
    out.delete('expect');
  }
  dims.forEach((d, i) => {
    out.setIn(d.path, out.createNode(values[i]));
  });
  return out;
}
