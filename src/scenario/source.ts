/**
 * The scenario text as a YAML document with positions: parse, find where a key path sits
 * (line:col), and apply `--set key.path=value` overrides to the document before validation.
 */
import { Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, Parser, Scalar, visit, YAMLMap } from 'yaml';
import type { CST, Node, Pair } from 'yaml';
import { clipText } from './suggest.js';

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

/**
 * Deepest nesting of mappings and lists accepted. Real scenarios nest 5 deep; the yaml library
 * composes recursively and overflows the stack near 1000 (one error per level), so refuse early.
 */
export const MAX_DEPTH = 64;

/**
 * Aliases a document may expand while it is converted to JS: a few are handy (`<<: *defaults`),
 * thousands are an alias bomb ("billion laughs"). The yaml library counts them and throws.
 */
export const MAX_ALIAS_COUNT = 100;

/** Where the text nests mappings and lists deeper than MAX_DEPTH (offset, and the key path there), or null. */
export function tooDeep(text: string): { offset: number; path: Path } | null {
  // A cheap scan first: 5 million `[` would take the CST parser a minute. Brackets inside quotes
  // and comments do not count; a plain scalar rarely has 65 unclosed ones.
  let depth = 0;
  let quote = '';
  let comment = false;
  let bracketsOnly: number | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (comment) {
      if (ch === '\n') comment = false;
    } else if (quote) {
      if (quote === '"' && ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      comment = true;
    } else if (ch === '[' || ch === '{') {
      if (++depth > MAX_DEPTH) {
        bracketsOnly = i;
        break;
      }
    } else if ((ch === ']' || ch === '}') && depth > 0) {
      depth--;
    }
  }
  if (bracketsOnly !== null) return { offset: bracketsOnly, path: [] };
  // Block nesting, from indentation: the yaml Parser itself recurses (near 2500 levels of `- `).
  const block = blockNestingBeyond(text, BLOCK_PRESCAN_LIMIT);
  if (block) return block;
  // The exact check on the concrete syntax tree, without recursion.
  const stack: { token: CST.Token | undefined; depth: number; path: Path }[] = [];
  const parser = new Parser();
  try {
    for (const token of parser.parse(text)) stack.push({ token, depth: 0, path: [] });
  } catch {
    return null; // the yaml library reports what it cannot parse
  }
  while (stack.length > 0) {
    const { token, depth: d, path } = stack.pop()!;
    if (!token) continue;
    switch (token.type) {
      case 'document':
        stack.push({ token: token.value, depth: d, path });
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (d + 1 > MAX_DEPTH) return { offset: token.offset, path };
        const isSeqToken = token.type === 'block-seq' || (token.type === 'flow-collection' && token.start.source === '[');
        token.items.forEach((item, i) => {
          const key = 'key' in item ? item.key : undefined;
          const seg = !isSeqToken && key && 'source' in key && typeof key.source === 'string' ? key.source.replace(/^["']|["']$/g, '') : i;
          if (key) stack.push({ token: key, depth: d + 1, path });
          stack.push({ token: item.value, depth: d + 1, path: [...path, seg] });
        });
        break;
      }
      default:
        break;
    }
  }
  return null;
}

/**
 * The indentation scan gives a lower bound of the block nesting (a list under a key at the same
 * column counts once), so past MAX_DEPTH the file is certainly too deep, and below it the exact
 * CST check sees at most about three times MAX_DEPTH: far from where the yaml Parser overflows.
 */
const BLOCK_PRESCAN_LIMIT = MAX_DEPTH;

/**
 * Where block mappings and lists, read from indentation alone, nest deeper than `limit`; null
 * when they do not. Counts lines that open structure (`key:`, `- `, `? `); skips block scalars,
 * comments and blank lines. Linear in the text, no recursion.
 */
function blockNestingBeyond(text: string, limit: number): { offset: number; path: Path } | null {
  const stack: { col: number; seg: string | number; items: number }[] = [];
  let scalarIndent = -1; // inside a block scalar (`|`, `>`) whose parent line had this indent
  let pos = 0;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    const line = text.slice(pos, eol);
    const indent = line.length - line.trimStart().length;
    const content = line.slice(indent);
    const lineStart = pos;
    pos = eol + 1;
    if (content === '' || content.startsWith('#')) continue;
    if (scalarIndent >= 0) {
      if (indent > scalarIndent) continue;
      scalarIndent = -1;
    }
    while (stack.length > 0 && stack[stack.length - 1]!.col > indent) stack.pop();
    let col = indent;
    let rest = content;
    for (;;) {
      const seq = /^([-?])(?:\s+|$)/.exec(rest);
      const key = seq ? null : /^("[^"]*"|'[^']*'|[^\s#'"[{][^#]*?)\s*:(?:\s+|$)/.exec(rest);
      if (!seq && !key) break;
      let top = stack[stack.length - 1];
      if (!top || top.col < col) {
        stack.push({ col, seg: 0, items: 0 });
        if (stack.length > limit) return { offset: lineStart + col, path: stack.map((e) => e.seg) };
        top = stack[stack.length - 1]!;
      }
      if (seq) top.seg = seq[1] === '-' ? top.items++ : top.seg;
      else top.seg = key![1]!.replace(/^["']|["']$/g, '');
      const used = (seq ?? key)![0]!.length;
      col += used;
      rest = rest.slice(used);
      if (key) break; // a value after `key: ` on the same line is a scalar or a flow collection
    }
    if (/^[|>][-+0-9]*\s*(#.*)?$/.test(rest)) scalarIndent = indent;
  }
  return null;
}

/** How a tag reads in a message: `!!omap` for the YAML tags, as written otherwise. */
function tagText(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

/**
 * The tags a scenario may use: the YAML 1.2 core schema's, which read exactly as the untagged
 * value would (`!!str 3` is the string "3"). Any other (`!!omap`, `!!set`, `!!binary`,
 * `!!timestamp`, `!foo`) changes how the value is read, or is not understood at all.
 */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

/** Nodes with a tag outside the core schema, and (when `noAliases`) aliases and anchors: what and where. */
export function refusedNodes(doc: Document, text: string, noAliases = false): { offset: number; path: Path; found: string }[] {
  const out: { offset: number; path: Path; found: string }[] = [];
  visit(doc, {
    Node(_key, node, ancestors) {
      const path: Path = [];
      let parent: unknown = null;
      for (const a of [...ancestors, node]) {
        if (isPair(a)) path.push(String(isScalar(a.key) ? a.key.value : a.key));
        else if (isSeq(parent)) path.push(parent.items.indexOf(a as never));
        parent = a;
      }
      const start = node.range?.[0] ?? 0;
      if (noAliases && (isAlias(node) || (node as Node).anchor)) {
        out.push({ offset: start, path, found: isAlias(node) ? `an alias *${node.source}` : `an anchor &${(node as Node).anchor}` });
        return;
      }
      const tag = (node as Node).tag;
      if (tag === undefined || CORE_TAGS.has(tag)) return;
      // Point at the tag itself: the last `!` before the value, back to the start of its word.
      let at = text.lastIndexOf('!', start);
      while (at > 0 && !/\s/.test(text[at - 1]!)) at--;
      out.push({ offset: at >= 0 ? at : start, path, found: `the YAML tag ${tagText(tag)}` });
    },
  });
  return out;
}

export const TAG_ALLOWED = 'plain YAML (tags change how a value is read; only the core tags !!str, !!int, !!float, !!bool, !!null, !!map, !!seq are accepted)';

/** Syntax errors reported for one file. */
export const MAX_SYNTAX_ERRORS = 20;

export function parseSource(text: string): { source: Source; errors: SyntaxProblem[]; warnings: SyntaxProblem[] } {
  const lines = new LineCounter();
  // prettyErrors computes each error's position by rescanning the text: quadratic in the number of
  // errors (a 300,000-character run of quotes took a minute). Positions come from the LineCounter.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  const problem = (e: { message: string; linePos?: [Position] | [Position, Position]; pos: [number, number] }): SyntaxProblem => {
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    // prettyErrors appends " at line L, column C:" and a code excerpt; keep the first sentence.
    const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return { line: pos.line, col: pos.col, message };
  };
  // A garbled file can have errors by the hundred thousand: the first ones say what is wrong.
  return { source: { doc, lines }, errors: doc.errors.slice(0, MAX_SYNTAX_ERRORS).map(problem), warnings: doc.warnings.slice(0, MAX_SYNTAX_ERRORS).map(problem) };
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

/** The node at `keys` (aliases followed), or undefined when the path does not exist. */
function nodeAt(source: Source, keys: (string | number)[]): unknown {
  const { doc } = source;
  let node: unknown = deref(doc, doc.contents);
  for (const k of keys) {
    if (isMap(node)) {
      const pair = findPair(node, k);
      if (!pair) return undefined;
      node = deref(doc, pair.value);
    } else if (isSeq(node) && /^\d+$/.test(String(k))) {
      node = deref(doc, node.items[Number(k)]);
    } else {
      return undefined;
    }
  }
  return node ?? undefined;
}

/** One `--set key.path=value` (or `--seed`, `--duration`) as given, and where it landed. */
export interface Override {
  /** How the user wrote it, e.g. `--set traffic.0.rate=5`; errors are reported under this label. */
  label: string;
  /**
   * The label of a problem that does not depend on the value (an unknown key on the path as
   * written), when it differs: a sweep's `--vary a.b=1,2` is one override per value, and
   * `--vary a.b` names the problem once for all of them. Absent: `label`.
   */
  keyLabel?: string;
  /** One leaf it set (a mapping value sets several). */
  path: Path;
  /** The key path as written before `=`, when it differs from `path` (a mapping value merged leaf by leaf). */
  keys?: Path;
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
 * Sets `path` to `value` (a YAML node) in the document. Missing mappings on the way are created;
 * a list index must exist (or be the list's length, to append). A non-empty mapping value merges
 * into the document leaf by leaf, as Helm's `--set` does: `--set a={x: 1}` changes a.x and keeps
 * a's other keys. Returns the leaves set (list indices as numbers) or why it could not be applied.
 */
export function applyOverride(source: Source, keys: (string | number)[], value: Node): { leaves: Path[] } | { message: string } {
  const existing = nodeAt(source, keys);
  // Merge into a mapping (or where one will be created); a new list item is set whole.
  const appending = existing === undefined && keys.length > 0 && isSeq(nodeAt(source, keys.slice(0, -1)));
  const mergeable = (existing === undefined && !appending) || isMap(existing) || (isScalar(existing) && existing.value === null);
  if (isMap(value) && value.items.length > 0 && mergeable) {
    const leaves: Path[] = [];
    for (const pair of value.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const r = applyOverride(source, [...keys, k], (isNode(pair.value) ? pair.value : new Scalar(null)) as Node);
      if ('message' in r) return r;
      leaves.push(...r.leaves);
    }
    return { leaves };
  }
  const { doc } = source;
  if (doc.contents === null || doc.contents === undefined) doc.contents = doc.createNode({}) as never;
  let node: unknown = deref(doc, doc.contents);
  const path: Path = [];
  for (let i = 0; i < keys.length; i++) {
    const key = String(keys[i]!);
    const last = i === keys.length - 1;
    const where = path.length === 0 ? 'the top level' : `\`${clipText(path.join('.'))}\``;
    if (isMap(node)) {
      path.push(key);
      if (last) {
        const pair = findPair(node, key);
        // An empty mapping merged into a mapping changes nothing.
        if (pair && isMap(value) && isMap(deref(doc, pair.value))) return { leaves: [path] };
        if (pair) pair.value = value;
        else node.add(doc.createPair(key, value));
        return { leaves: [path] };
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
        return { message: `found no item \`${clipText(key)}\` in ${where}, allowed an index 0–${Math.max(0, length - 1)} (the list has ${length} item${length === 1 ? '' : 's'})` };
      }
      path.push(index);
      if (last) {
        if (index === length) node.add(value);
        else node.items[index] = value;
        return { leaves: [path] };
      }
      node = deref(doc, node.items[index]);
    } else {
      return { message: `found a value that is not a mapping or list at ${where}, allowed a path into mappings and lists` };
    }
  }
  return { leaves: [path] };
}

/**
 * An override's text read as YAML (so `4`, `10m`, `[1, 2]`, `{a: 1}` all work), as a node to put
 * in the scenario's document: scalars keep how they were written (`seed=0x10` is refused like
 * the file's). Checked like the file: nesting depth and tags; anchors and aliases are refused
 * (they would refer into another document).
 */
export function parseOverrideValue(text: string): { node: Node } | { message: string } {
  const deep = tooDeep(text);
  if (deep) return { message: `found a value nested deeper than ${MAX_DEPTH} levels, allowed at most ${MAX_DEPTH} levels of mappings and lists` };
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const why = doc.errors[0]!.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return { message: `found a malformed value ${clipText(JSON.stringify(text))} (${why}), allowed a YAML scalar or flow collection` };
  }
  const refused = refusedNodes(doc, text, true);
  if (refused.length > 0) {
    const r = refused[0]!;
    return { message: `found ${r.found}, allowed ${r.found.startsWith('the YAML tag') ? TAG_ALLOWED : 'a YAML scalar or flow collection without anchors or aliases'}` };
  }
  const node = (doc.contents ?? new Scalar(null)) as Node;
  // Its positions are in the override's text, not the file's: drop them.
  visit(node, { Node(_k, n) { n.range = undefined; } });
  node.range = undefined;
  return { node };
}
