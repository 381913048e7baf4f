/**
 * `expect:` assertions on a run's summary (docs/check.md).
 *
 *   assertion  := sum OP sum                      OP: <= < >= > == !=
 *   sum        := product (('+' | '-') product)*  ('??' binds looser: a ?? b gives b when a is null)
 *   product    := unary (('*' | '/') unary)*
 *   unary      := '-' unary | atom
 *   atom       := NUMBER [UNIT] | metric | '(' coalesce ')'
 *   metric     := NAME ('.' (NAME | DIGITS) | '[' (DIGITS | '*') ']')*
 *
 * A NUMBER may carry a duration unit (ms, s, m, h, d) and is then in seconds: `<= 1m` is `<= 60`.
 * Metrics are summary.json paths (SPEC §9). One list may be iterated with `[*]`: the assertion must
 * hold for every element, and inside it a bare field name (`at`) is that element's field:
 * `health.faults[*].traffic_stopped_at - at <= 60`. A null metric (a fault never stopped traffic, no
 * request finished) makes the assertion fail unless it is defaulted with `??`.
 */
import type { Summary } from '../model/summary.js';

export type CmpOp = '<=' | '<' | '>=' | '>' | '==' | '!=';

export type Expr =
  | { kind: 'num'; value: number; text: string }
  | { kind: 'metric'; path: Segment[]; text: string; relative: boolean }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/' | '??'; left: Expr; right: Expr };

export type Segment = string | number | '*';

export interface Assertion {
  /** The text as written. */
  source: string;
  left: Expr;
  op: CmpOp;
  right: Expr;
  /** The list iterated with `[*]`, e.g. ['health', 'faults'], or null. */
  each: string[] | null;
}

export class ExpectSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset in the assertion text. */
    readonly offset: number,
  ) {
    super(message);
  }
}

type Shape = 'number' | 'string' | 'nullable' | 'map' | Named | { [k: string]: Shape } | [Shape];

/** Any name, each with the same shape: a chain's `chainlets.NAME` (names are the scenario's). */
class Named {
  constructor(readonly each: Shape) {}
}

/** What summary.json holds (src/model/summary.ts), to reject typos when the file is read. */
const FAULT_SHAPE: Shape = {
  kind: 'string',
  replica: 'number',
  at: 'number',
  traffic_stopped_at: 'nullable',
  restarted_at: 'nullable',
  preempted_at: 'nullable',
  routable_again_at: 'nullable',
  failed_requests_before_stop: 'number',
  restarts: 'number',
};
const SUMMARY_SHAPE: Shape = {
  scenario: 'string',
  seed: 'number',
  duration_s: 'number',
  platform: 'string',
  requests: { arrived: 'number', succeeded: 'number', failed: 'number', in_flight_at_end: 'number', retried_attempts: 'number', queue_timeouts: 'number', by_status: 'map' },
  availability: 'nullable',
  latency_s: { mean: 'nullable', p50: 'nullable', p90: 'nullable', p95: 'nullable', p99: 'nullable', max: 'nullable' },
  queue_wait_s: { mean: 'nullable', p99: 'nullable' },
  replicas: { created: 'number', peak: 'number', mean: 'number', restarts: 'number', cold_starts: 'number', traffic_stops: 'number' },
  health: { faults: [FAULT_SHAPE] },
  billing: { billed_minutes: 'number', cost: 'number', cost_per_1k_succeeded: 'nullable', minutes_not_serving: 'number', price_per_minute: 'number' },
  warnings: ['string'],
};

/** A Chain's summary (SPEC §12): the entrypoint's view as above, plus `chain` and `chainlets.NAME`. */
const REQUESTS_SHAPE = (SUMMARY_SHAPE as Record<string, Shape>).requests!;
Object.assign(SUMMARY_SHAPE as Record<string, Shape>, {
  chain: {
    entrypoint: 'string',
    requests: REQUESTS_SHAPE,
    availability: 'nullable',
    latency_s: (SUMMARY_SHAPE as Record<string, Shape>).latency_s!,
    billing: { billed_minutes: 'number', cost: 'number', cost_per_1k_succeeded: 'nullable', minutes_not_serving: 'number' },
  },
  chainlets: new Named({ ...(SUMMARY_SHAPE as Record<string, Shape>) }),
});

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

interface Token {
  kind: 'num' | 'name' | 'op' | 'end';
  text: string;
  offset: number;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const rest = src.slice(i);
    // After a name or "]", "." is a path separator: requests.by_status.503, not a number ".503".
    const prev = out[out.length - 1];
    const inPath = prev !== undefined && (prev.kind === 'name' || prev.text === ']' || (prev.kind === 'num' && out[out.length - 2]?.text === '.'));
    const num = (inPath && c === '.' ? null : /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:ms|s|m|h|d)?(?![A-Za-z_0-9])/.exec(rest));
    if (num) {
      out.push({ kind: 'num', text: num[0], offset: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z_0-9]*/.exec(rest);
    if (name) {
      out.push({ kind: 'name', text: name[0], offset: i });
      i += name[0].length;
      continue;
    }
    const op = /^(?:<=|>=|==|!=|\?\?|[<>+\-*/().[\]])/.exec(rest);
    if (op) {
      out.push({ kind: 'op', text: op[0], offset: i });
      i += op[0].length;
      continue;
    }
    if (c === '=') throw new ExpectSyntaxError(`"=" is not an operator: write "==" to compare`, i);
    throw new ExpectSyntaxError(`unexpected character "${c}"`, i);
  }
  out.push({ kind: 'end', text: '', offset: src.length });
  return out;
}

const CMP_OPS = new Set(['<=', '<', '>=', '>', '==', '!=']);

/** Parses one assertion; throws ExpectSyntaxError with the offset of the problem. */
export function parseAssertion(source: string): Assertion {
  const toks = tokenize(source);
  let p = 0;
  const peek = (): Token => toks[p]!;
  const take = (): Token => toks[p++]!;
  const expectOp = (text: string): void => {
    const t = take();
    if (t.text !== text || t.kind !== 'op') throw new ExpectSyntaxError(`expected "${text}" but found ${describe(t)}`, t.offset);
  };
  let each: { path: string[]; offset: number } | null = null;

  function coalesce(): Expr {
    let left = sum();
    while (peek().kind === 'op' && peek().text === '??') {
      take();
      left = { kind: 'bin', op: '??', left, right: sum() };
    }
    return left;
  }
  function sum(): Expr {
    let left = product();
    while (peek().kind === 'op' && (peek().text === '+' || peek().text === '-')) {
      const op = take().text as '+' | '-';
      left = { kind: 'bin', op, left, right: product() };
    }
    return left;
  }
  function product(): Expr {
    let left = unary();
    while (peek().kind === 'op' && (peek().text === '*' || peek().text === '/')) {
      const op = take().text as '*' | '/';
      left = { kind: 'bin', op, left, right: unary() };
    }
    return left;
  }
  function unary(): Expr {
    if (peek().kind === 'op' && peek().text === '-') {
      take();
      return { kind: 'neg', arg: unary() };
    }
    return atom();
  }
  function atom(): Expr {
    const t = take();
    if (t.kind === 'num') {
      const m = /^([\d.eE+-]+?)(ms|s|m|h|d)?$/.exec(t.text)!;
      return { kind: 'num', value: Number(m[1]) * (m[2] ? UNITS[m[2]]! : 1), text: t.text };
    }
    if (t.kind === 'op' && t.text === '(') {
      const e = coalesce();
      expectOp(')');
      return e;
    }
    if (t.kind === 'name') return metric(t);
    throw new ExpectSyntaxError(`expected a number, a metric or "(" but found ${describe(t)}`, t.offset);
  }
  function metric(first: Token): Expr {
    const path: Segment[] = [first.text];
    let text = first.text;
    for (;;) {
      const t = peek();
      if (t.kind === 'op' && t.text === '.') {
        take();
        const seg = take();
        if (seg.kind === 'name') path.push(seg.text);
        else if (seg.kind === 'num' && /^\d+$/.test(seg.text)) path.push(seg.text);
        else throw new ExpectSyntaxError(`expected a field name after "." but found ${describe(seg)}`, seg.offset);
        text += `.${seg.text}`;
      } else if (t.kind === 'op' && t.text === '[') {
        take();
        const idx = take();
        if (idx.kind === 'op' && idx.text === '*') path.push('*');
        else if (idx.kind === 'num' && /^\d+$/.test(idx.text)) path.push(Number(idx.text));
        else throw new ExpectSyntaxError(`expected an index or "*" inside [ ] but found ${describe(idx)}`, idx.offset);
        expectOp(']');
        text += `[${idx.text}]`;
      } else break;
    }
    const star = path.indexOf('*');
    if (star >= 0) {
      if (path.indexOf('*', star + 1) >= 0) throw new ExpectSyntaxError(`only one [*] per metric`, first.offset);
      const list = path.slice(0, star).map(String);
      if (each && each.path.join('.') !== list.join('.')) {
        throw new ExpectSyntaxError(`one assertion can iterate one list: ${each.path.join('.')}[*] and ${list.join('.')}[*] both appear`, first.offset);
      }
      each = { path: list, offset: first.offset };
    }
    return { kind: 'metric', path, text, relative: !(first.text in (SUMMARY_SHAPE as Record<string, Shape>)) };
  }

  const left = coalesce();
  const opTok = take();
  if (opTok.kind !== 'op' || !CMP_OPS.has(opTok.text)) {
    throw new ExpectSyntaxError(
      opTok.kind === 'end' ? `missing comparison: an assertion reads like "latency_s.p99 <= 5"` : `expected a comparison (<=, <, >=, >, ==, !=) but found ${describe(opTok)}`,
      opTok.offset,
    );
  }
  const right = coalesce();
  const end = take();
  if (end.kind !== 'end') throw new ExpectSyntaxError(`unexpected ${describe(end)} after the assertion`, end.offset);
  const a: Assertion = { source, left, op: opTok.text as CmpOp, right, each: (each as { path: string[] } | null)?.path ?? null };
  validateMetrics(a);
  return a;

  function validateMetrics(as: Assertion): void {
    const visit = (e: Expr): void => {
      if (e.kind === 'bin') {
        visit(e.left);
        visit(e.right);
      } else if (e.kind === 'neg') visit(e.arg);
      else if (e.kind === 'metric') {
        const offset = source.indexOf(e.text);
        let shape: Shape | undefined;
        let path = e.path;
        if (e.relative) {
          if (!as.each) throw new ExpectSyntaxError(`unknown metric "${e.text}": metrics start with one of ${Object.keys(SUMMARY_SHAPE as object).join(', ')}`, offset);
          shape = shapeAt(SUMMARY_SHAPE, [...as.each, 0]);
          if (shape === undefined || typeof shape !== 'object' || Array.isArray(shape)) {
            throw new ExpectSyntaxError(`"${e.text}" cannot be a field of ${as.each.join('.')}[*]`, offset);
          }
        } else shape = SUMMARY_SHAPE;
        path = path.map((s) => (s === '*' ? 0 : s));
        const leaf = shapeAt(shape, path);
        if (leaf === undefined) throw new ExpectSyntaxError(`unknown metric "${e.text}"${suggest(shape, path)}`, offset);
        if (leaf === 'string') throw new ExpectSyntaxError(`"${e.text}" is text, not a number`, offset);
        if (typeof leaf === 'object') throw new ExpectSyntaxError(`"${e.text}" is a group of metrics, not a number${fields(leaf)}`, offset);
      }
    };
    visit(as.left);
    visit(as.right);
  }
}

/** Summary metrics (absolute paths) an assertion reads, e.g. ['chainlets', 'LLM', 'replicas', 'restarts']. */
export function metricPaths(a: Assertion): Segment[][] {
  const out: Segment[][] = [];
  const visit = (e: Expr): void => {
    if (e.kind === 'metric') {
      if (!e.relative) out.push(e.path);
    } else if (e.kind === 'neg') visit(e.arg);
    else if (e.kind === 'bin') {
      visit(e.left);
      visit(e.right);
    }
  };
  visit(a.left);
  visit(a.right);
  if (a.each) out.push(a.each);
  return out;
}

function shapeAt(shape: Shape, path: Segment[]): Shape | undefined {
  let cur: Shape | undefined = shape;
  for (const seg of path) {
    if (cur === undefined) return undefined;
    if (cur === 'map') return typeof seg === 'string' && /^\d+$/.test(seg) ? 'number' : undefined;
    if (cur instanceof Named) {
      if (typeof seg !== 'string') return undefined;
      cur = cur.each;
    } else if (Array.isArray(cur)) {
      if (typeof seg !== 'number') return undefined;
      cur = cur[0];
    } else if (typeof cur === 'object') {
      if (typeof seg !== 'string' || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
      cur = (cur as Record<string, Shape>)[seg];
    } else return undefined;
  }
  return cur;
}

function fields(shape: Shape): string {
  if (Array.isArray(shape)) return ': index it with [n] or [*]';
  if (shape === 'map') return ': add a status, e.g. requests.by_status.503';
  if (shape instanceof Named) return ': add a chainlet name, e.g. chainlets.LLM.replicas.restarts';
  if (typeof shape === 'object') return `: one of ${Object.keys(shape).join(', ')}`;
  return '';
}

/** "; did you mean ..." from the deepest known prefix of the path. */
function suggest(shape: Shape, path: Segment[]): string {
  for (let k = path.length - 1; k >= 0; k--) {
    const parent = shapeAt(shape, path.slice(0, k));
    if (parent !== undefined) return k === 0 ? fields(shape) : `: ${path.slice(0, k).join('.')} has${fields(parent).slice(1)}`;
  }
  return '';
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'the end' : `"${t.text}"`;
}

/** The result of one assertion on one summary. */
export interface AssertionResult {
  assertion: Assertion;
  /** Empty when it holds; one line per failing case otherwise. */
  failures: string[];
  /** The largest amount by which it is violated (in the metric's unit), null when a value was null. */
  worst: number | null;
}

type Value = number | null;

function lookup(root: unknown, path: Segment[]): Value {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return null;
    cur = (cur as Record<string | number, unknown>)[seg as string | number];
  }
  if (cur === undefined && path.length >= 2 && path[path.length - 2] === 'by_status') return 0; // no such failures
  return typeof cur === 'number' ? cur : null;
}

function evaluate(e: Expr, summary: Summary, element: unknown, index: number | null): Value {
  switch (e.kind) {
    case 'num':
      return e.value;
    case 'neg': {
      const v = evaluate(e.arg, summary, element, index);
      return v === null ? null : -v;
    }
    case 'metric':
      return e.relative ? lookup(element, e.path) : lookup(summary, e.path.map((s) => (s === '*' ? (index ?? 0) : s)));
    case 'bin': {
      const l = evaluate(e.left, summary, element, index);
      if (e.op === '??') return l ?? evaluate(e.right, summary, element, index);
      const r = evaluate(e.right, summary, element, index);
      if (l === null || r === null) return null;
      if (e.op === '+') return l + r;
      if (e.op === '-') return l - r;
      if (e.op === '*') return l * r;
      return r === 0 ? null : l / r;
    }
  }
}

/** How far `l op r` is from holding (> 0 when violated; 0 for a strict comparison at equality). */
function excess(l: number, op: CmpOp, r: number): number | null {
  switch (op) {
    case '<=':
      return l > r ? l - r : null;
    case '<':
      return l >= r ? l - r : null;
    case '>=':
      return l < r ? r - l : null;
    case '>':
      return l <= r ? r - l : null;
    case '==':
      return l !== r ? Math.abs(l - r) : null;
    case '!=':
      return l === r ? 0 : null;
  }
}

const fmt = (v: number): string => String(Number(v.toPrecision(6)));

function exprText(e: Expr): string {
  switch (e.kind) {
    case 'num':
      return e.text;
    case 'metric':
      return e.text;
    case 'neg':
      return `-${exprText(e.arg)}`;
    case 'bin':
      return `${exprText(e.left)} ${e.op} ${exprText(e.right)}`;
  }
}

/** Null metrics named in an expression, for the message ("traffic_stopped_at is null"). */
function nullMetrics(e: Expr, summary: Summary, element: unknown, index: number | null): string[] {
  if (e.kind === 'metric') return evaluate(e, summary, element, index) === null ? [e.text.replace('[*]', `[${index}]`)] : [];
  if (e.kind === 'neg') return nullMetrics(e.arg, summary, element, index);
  if (e.kind === 'bin') {
    if (e.op === '??') return evaluate(e, summary, element, index) === null ? nullMetrics(e.right, summary, element, index) : [];
    return [...nullMetrics(e.left, summary, element, index), ...nullMetrics(e.right, summary, element, index)];
  }
  return [];
}

function describeElement(list: string[], el: unknown): string {
  if (list.join('.') === 'health.faults' && el && typeof el === 'object') {
    const f = el as { kind: string; replica: number; at: number };
    return ` (${f.kind} on replica ${f.replica} at ${fmt(f.at)} s)`;
  }
  return '';
}

export function evaluateAssertion(a: Assertion, summary: Summary): AssertionResult {
  const failures: string[] = [];
  let worst: number | null = 0;
  const cases: { element: unknown; index: number | null; label: string }[] = [];
  if (a.each) {
    const list = a.each.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), summary);
    const arr = Array.isArray(list) ? list : [];
    arr.forEach((el, i) => cases.push({ element: el, index: i, label: `${a.each!.join('.')}[${i}]${describeElement(a.each!, el)}: ` }));
  } else cases.push({ element: null, index: null, label: '' });
  for (const c of cases) {
    const l = evaluate(a.left, summary, c.element, c.index);
    const r = evaluate(a.right, summary, c.element, c.index);
    const lt = exprText(a.left);
    const rt = exprText(a.right);
    if (l === null || r === null) {
      const nulls = [...nullMetrics(a.left, summary, c.element, c.index), ...nullMetrics(a.right, summary, c.element, c.index)];
      failures.push(`${c.label}${a.source}: ${nulls.length ? `${nulls.join(', ')} is null` : 'division by zero'} (write "?? value" to give a default)`);
      worst = null;
      continue;
    }
    const by = excess(l, a.op, r);
    if (by === null) continue;
    const shown = a.right.kind === 'num' ? `${lt} = ${fmt(l)}, expected ${a.op} ${rt}` : `${lt} = ${fmt(l)}, expected ${a.op} ${rt} = ${fmt(r)}`;
    failures.push(`${c.label}${shown} (${a.op === '!=' ? 'equal' : `off by ${fmt(by)}`})`);
    if (worst !== null) worst = Math.max(worst, by);
  }
  return { assertion: a, failures, worst: failures.length ? worst : 0 };
}
