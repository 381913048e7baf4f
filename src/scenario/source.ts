/**
 * The scenario text as a YAML document with positions: parse, find where a key path sits
 * (line:col), and apply `--set key.path=value` overrides to the document before validation.
 */
import { Document, isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, YAMLMap } from 'yaml';
import type { Pair } from 'yaml';

export type Path = (string | number)[];

export interface Position {
  line: number;
  col: number;
}

export interface Source {
  doc: Document.Parsed;
  lines: LineCounter;
}

/** A YAML syntax problem, with the position the yaml library gives it. */
export interface SyntaxProblem extends Position {
  message: string;
}

export function parseSource(text: string): { source: Source; errors: SyntaxProblem[]; warnings: SyntaxProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true, merge: true });
  const problem = (e: { message: string; linePos?: [Position] | [Position, Position]; pos: [number, number] }): SyntaxProblem => {
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    // prettyErrors appends " at line L, column C:" and a code excerpt; keep the first sentence.
    const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return { line: pos.line, col: pos.col, message };
  };
  return { source: { doc, lines }, errors: doc.errors.map(problem), warnings: doc.warnings.map(problem) };
}

function deref(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function positionOf(source: Source, node: unknown): Position | null {
  if (isNode(node) && node.range) return source.lines.linePos(node.range[0]);
  return null;
}

/** The pair of `map` whose key is `key` (keys compared as strings, as toJS does). */
function findPair(map: YAMLMap, key: string | number): Pair | undefined {
  return map.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key));
}

/**
 * Where `path` is written: `key` is the key's position (for unknown keys), `value` the value's
 * (the key's when the value is empty). When the path does not exist in the file, both are the
 * position of the deepest mapping or list on the way (the parent of a missing key).
 */
export function locate(source: Source, path: Path): { key: Position; value: Position } {
  const { doc } = source;
  let node: unknown = deref(doc, doc.contents);
  let here: Position = positionOf(source, node) ?? { line: 1, col: 1 };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    let keyPos: Position | null = null;
    let next: unknown;
    if (isMap(node)) {
      const pair = findPair(node, seg);
      if (!pair) return { key: here, value: here };
      keyPos = positionOf(source, pair.key);
      next = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
      if (next === undefined) return { key: here, value: here };
    } else {
      return { key: here, value: here };
    }
    next = deref(doc, next);
    const valuePos = positionOf(source, next) ?? keyPos ?? here;
    if (i === path.length - 1) {
      return { key: keyPos ?? valuePos, value: valuePos };
    }
    node = next;
    here = valuePos;
  }
  return { key: here, value: here };
}

/**
 * How a number at `path` is written in the file (`1e30`, `9007199254740993`), when that differs
 * from how JS prints the parsed value; undefined otherwise.
 */
export function writtenNumber(source: Source, path: Path): string | undefined {
  const { doc } = source;
  let node: unknown = deref(doc, doc.contents);
  for (const seg of path) {
    if (isMap(node)) node = deref(doc, findPair(node, seg)?.value);
    else if (isSeq(node) && typeof seg === 'number') node = deref(doc, node.items[seg]);
    else return undefined;
  }
  if (!isScalar(node) || typeof node.value !== 'number' || typeof node.source !== 'string') return undefined;
  return node.source !== String(node.value) ? node.source : undefined;
}

/** One `--set key.path=value` (or `--seed`, `--duration`) as given, and where it landed. */
export interface Override {
  /** How the user wrote it, e.g. `--set traffic.0.rate=5`; errors are reported under this label. */
  label: string;
  path: Path;
}

/** A problem applying an override: reported under its label, no position. */
export interface OverrideProblem {
  label: string;
  message: string;
}

/** Parses `key.path=value` into a path and a YAML node (value read as a YAML scalar or flow collection). */
export function parseOverride(text: string): { path: string[]; valueText: string } | null {
  const eq = text.indexOf('=');
  if (eq <= 0) return null;
  const path = text.slice(0, eq).trim().split('.');
  if (path.some((s) => s === '')) return null;
  return { path, valueText: text.slice(eq + 1) };
}

/**
 * Sets `path` to `value` in the document. Missing mappings on the way are created; a list index
 * must exist (or be the list's length, to append). Returns the resolved path (list indices as
 * numbers) or a message saying why it could not be applied.
 */
export function applyOverride(source: Source, keys: string[], value: unknown): { path: Path } | { message: string } {
  const { doc } = source;
  if (doc.contents === null || doc.contents === undefined) doc.contents = doc.createNode({}) as never;
  let node: unknown = deref(doc, doc.contents);
  const path: Path = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const last = i === keys.length - 1;
    const where = path.length === 0 ? 'the top level' : `\`${path.join('.')}\``;
    if (isMap(node)) {
      path.push(key);
      if (last) {
        const pair = findPair(node, key);
        if (pair) pair.value = doc.createNode(value);
        else node.add(doc.createPair(key, value));
        return { path };
      }
      let pair = findPair(node, key);
      if (!pair || pair.value === null || (isScalar(pair.value) && pair.value.value === null)) {
        const created = new YAMLMap();
        if (pair) pair.value = created;
        else node.add(doc.createPair(key, created));
        pair = findPair(node, key)!;
      }
      node = deref(doc, pair.value);
    } else if (isSeq(node)) {
      const index = /^\d+$/.test(key) ? Number(key) : NaN;
      const length = node.items.length;
      if (!(index <= length) || (!last && index === length)) {
        return { message: `found no item \`${key}\` in ${where}, allowed an index 0–${Math.max(0, length - 1)} (the list has ${length} item${length === 1 ? '' : 's'})` };
      }
      path.push(index);
      if (last) {
        if (index === length) node.add(doc.createNode(value));
        else node.items[index] = doc.createNode(value);
        return { path };
      }
      node = deref(doc, node.items[index]);
    } else {
      return { message: `found a value that is not a mapping or list at ${where}, allowed a path into mappings and lists` };
    }
  }
  return { path };
}

/** The JS value of an override's text, read as YAML (so `4`, `10m`, `[1, 2]`, `{a: 1}` all work). */
export function parseOverrideValue(text: string): { value: unknown } | { message: string } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const why = doc.errors[0]!.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return { message: `found a malformed value ${JSON.stringify(text)} (${why}), allowed a YAML scalar or flow collection` };
  }
  try {
    return { value: doc.toJS() };
  } catch (e) {
    return { message: `found a value that cannot be read ${JSON.stringify(text)} (${(e as Error).message}), allowed a YAML scalar or flow collection` };
  }
}
