/**
 * Where a violation stops: after `check` finds a violating point, each explored axis is searched
 * alone, the others held at that point, for the nearest values on either side where everything
 * holds again (docs/check.md).
 *
 * On each side the search gallops outward (1, 2, 4, 8, ... grid steps, then the range's end) until
 * a value does not violate, then bisects between the last violating value and it down to one grid
 * step. So a threshold axis costs about 2 × log2(its values) runs per side and the answer is two
 * adjacent grid values: "holds when restart_threshold_seconds ≥ 301 s; violated at ≤ 300 s".
 * Galloping (rather than bisecting from the far end) finds the change nearest the violating point
 * when the outcome changes more than once along the axis (a fault time against a 10 s probe period).
 *
 * A value that makes the scenario invalid (delay + restart threshold above the platform's limit)
 * is neither: the search reports the violation running up to the last valid value. This assumes
 * validity changes once along an axis, as a limit on a sum does.
 */
import { gridSize, gridValue, type Dimension } from './explore.js';

export type Outcome = 'holds' | 'violated' | 'invalid';

/** What one side (below or above the violating value) of an axis looks like. */
export type Side =
  /** The violating value is the range's end on this side. */
  | { kind: 'end' }
  /** Violated at `violated`, holds at the adjacent `holds`; `farEnd`: the outcome at the range's end beyond (null when `holds` is that end). */
  | { kind: 'boundary'; violated: number; holds: number; farEnd: Outcome | null }
  /** Violated at every value tried up to the range's end `end`. */
  | { kind: 'none'; end: number }
  /** Violated up to `violated`; the adjacent `invalid` (and, presumably, all beyond) is not a valid scenario. */
  | { kind: 'invalid'; violated: number; invalid: number };

export type AxisBoundary =
  | { kind: 'range'; key: string; unit: string; at: number; below: Side; above: Side; text: string }
  | { kind: 'choice'; key: string; at: unknown; outcomes: { value: unknown; outcome: Outcome }[]; text: string };

/** "s" for an axis in seconds (written as durations, or a key ending in _seconds), else "". */
export function axisUnit(d: Dimension): string {
  if (d.kind !== 'range') return '';
  const last = d.path[d.path.length - 1];
  return d.duration || (typeof last === 'string' && /_seconds$/.test(last)) ? 's' : '';
}

/**
 * Searches every axis around `point` (a grid index per dimension, where `judge` says "violated").
 * `judge` gets a full index vector; callers cache it, since the searches share points.
 */
export function findBoundaries(dims: readonly Dimension[], point: readonly number[], judge: (index: number[]) => Outcome): AxisBoundary[] {
  return dims.map((d, i) => {
    const at = (k: number): number[] => point.map((p, j) => (j === i ? k : p));
    if (d.kind === 'choice') {
      const outcomes = d.values.map((value, k) => ({ value, outcome: k === point[i] ? ('violated' as const) : judge(at(k)) }));
      return { kind: 'choice' as const, key: d.key, at: d.values[point[i]!], outcomes, text: describeChoices(d.key, outcomes) };
    }
    const p = point[i]!;
    const value = (k: number): number => gridValue(d, k) as number;
    const side = (dir: -1 | 1): Side => {
      const end = dir < 0 ? 0 : gridSize(d) - 1;
      if (p === end) return { kind: 'end' };
      let last = p; // violated
      let next = p;
      let seen: Outcome = 'violated';
      for (let step = 1; ; step *= 2) {
        next = dir < 0 ? Math.max(end, p - step) : Math.min(end, p + step);
        seen = judge(at(next));
        if (seen !== 'violated') break;
        last = next;
        if (next === end) return { kind: 'none', end: value(end) };
      }
      while (Math.abs(next - last) > 1) {
        const mid = Math.floor((last + next) / 2);
        const o = judge(at(mid));
        if (o === 'violated') last = mid;
        else [next, seen] = [mid, o];
      }
      if (seen === 'invalid') return { kind: 'invalid', violated: value(last), invalid: value(next) };
      return { kind: 'boundary', violated: value(last), holds: value(next), farEnd: next === end ? null : judge(at(end)) };
    };
    const below = side(-1);
    const above = side(1);
    const unit = axisUnit(d);
    return { kind: 'range' as const, key: d.key, unit, at: value(p), below, above, text: describeRange(d.key, unit, value(p), below, above) };
  });
}

function fmt(v: number, unit: string): string {
  return unit ? `${v} ${unit}` : String(v);
}

/** The lowest (dir −1) or highest (+1) value known to violate on a side. */
function reach(s: Side, at: number): number {
  if (s.kind === 'end') return at;
  if (s.kind === 'none') return s.end;
  return s.violated;
}

/** Why the search stopped short of the range's end on a side, if the scenario became invalid there. */
function invalidNote(s: Side, dir: -1 | 1, unit: string): string {
  if (s.kind !== 'invalid') return '';
  return ` (${dir < 0 ? 'below' : 'above'} ${fmt(s.violated, unit)} the scenario is invalid)`;
}

/** The sentence for a range axis, e.g. "holds when x ≥ 301 s; violated at ≤ 300 s". */
export function describeRange(key: string, unit: string, at: number, below: Side, above: Side): string {
  const f = (v: number): string => fmt(v, unit);
  /** "holds when key ≥ H", or, when the range's end beyond does not hold, only at H. */
  const holds = (s: Extract<Side, { kind: 'boundary' }>, op: string): string =>
    s.farEnd === null || s.farEnd === 'holds'
      ? `holds when ${key} ${op} ${f(s.holds)}`
      : `holds at ${key} = ${f(s.holds)} but ${s.farEnd === 'violated' ? 'is violated again' : 'the scenario is invalid'} at the range's end (the outcome changes more than once)`;
  if (above.kind === 'boundary' && below.kind === 'boundary') {
    return `violated when ${f(below.violated)} ≤ ${key} ≤ ${f(above.violated)}; ${holds(below, '≤')}, and ${holds(above, '≥').replace(/^holds /, '')}`;
  }
  if (above.kind === 'boundary') {
    return `${holds(above, '≥')}; violated at ≤ ${f(above.violated)}${invalidNote(below, -1, unit)}`;
  }
  if (below.kind === 'boundary') {
    return `${holds(below, '≤')}; violated at ≥ ${f(below.violated)}${invalidNote(above, 1, unit)}`;
  }
  const lo = reach(below, at);
  const hi = reach(above, at);
  const where = lo === hi ? `at ${f(lo)}, its only value` : `at every value tried from ${f(lo)} to ${f(hi)}`;
  return `${key}: no boundary in its range, violated ${where}${invalidNote(below, -1, unit)}${invalidNote(above, 1, unit)}`;
}

function choiceText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** "faults.0.kind: violated with hang, cuda_error; holds with crash". */
export function describeChoices(key: string, outcomes: readonly { value: unknown; outcome: Outcome }[]): string {
  const by = (o: Outcome): string => outcomes.filter((x) => x.outcome === o).map((x) => choiceText(x.value)).join(', ');
  const parts = [`violated with ${by('violated')}`];
  if (by('holds')) parts.push(`holds with ${by('holds')}`);
  if (by('invalid')) parts.push(`invalid with ${by('invalid')}`);
  if (!by('holds')) parts[0] = outcomes.length === 1 ? `violated with ${by('violated')}, the only choice` : `no choice holds: violated with ${by('violated')}`;
  return `${key}: ${parts.join('; ')}`;
}
