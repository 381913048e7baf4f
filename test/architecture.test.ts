import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The source's shape (issue 11): no import cycles anywhere in src/ (type-only imports
 * count: a cycle of types is still two modules that cannot be read apart), and the
 * model in files a newcomer can read in one sitting.
 */
const src = path.resolve(import.meta.dirname, '../src');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importGraph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of tsFiles(src)) {
    const text = fs.readFileSync(f, 'utf8');
    const deps = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g)]
      .map((m) => path.resolve(path.dirname(f), m[1]!.replace(/\.js$/, '.ts')))
      .filter((d) => fs.existsSync(d));
    g.set(f, deps);
  }
  return g;
}

describe('architecture', () => {
  it('src/ has no import cycles', () => {
    const g = importGraph();
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (n: string): void => {
      state.set(n, 'open');
      stack.push(n);
      for (const d of g.get(n) ?? []) {
        if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d].map((x) => path.relative(src, x)).join(' → '));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(n, 'done');
    };
    for (const n of g.keys()) if (!state.has(n)) visit(n);
    expect(cycles).toEqual([]);
  });

  it('no file in src/model/ is much over 300 lines', () => {
    const long = tsFiles(path.join(src, 'model'))
      .map((f) => ({ file: path.relative(src, f), lines: fs.readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.lines > 340);
    expect(long).toEqual([]);
  });

  it('engine → model → the layers on top: nothing reaches up', () => {
    // Each folder may import only from the folders listed for it (and itself).
    const allowed: Record<string, string[]> = {
      engine: ['engine'],
      model: ['engine', 'model', 'text/human.ts'], // text/human.ts: number and duration formatting, imports nothing
      'draw-ahead': ['engine', 'model', 'draw-ahead'],
    };
    const g = importGraph();
    const upward: string[] = [];
    for (const [file, deps] of g) {
      const layer = path.relative(src, file).split(path.sep)[0]!;
      const may = allowed[layer];
      if (!may) continue;
      for (const d of deps) {
        const to = path.relative(src, d).split(path.sep);
        const target = to.length > 1 ? to[0]! : '(top level)';
        if (!may.includes(target) && !may.includes(to.join('/'))) upward.push(`${path.relative(src, file)} → ${path.relative(src, d)}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
