/**
 * `chain:` (SPEC §12): an entrypoint and chainlets, each with every key of `deployment:` plus
 * `steps` (what one run_remote does) and `depends` (chains.depends options per dependency).
 * Each chainlet's deployment keys are validated by the deployment schema itself, in its own
 * context (a development chainlet refuses custom checks); then the call graph: every call names a
 * chainlet, `depends` names only chainlets the steps call, no cycle (named: `RAG → LLM → RAG`),
 * every chainlet reachable from the entrypoint. Problems carry their full key path.
 */
import { z } from 'zod';
import type { Chainlet, ChainConfig, Depends, Dist, Environment, Step } from '../model/config.js';
import { DEFAULT_DEPENDS } from '../model/chain/chain-config.js';
import { bool, checkDuration, field, int, obj } from './fields.js';
import { problemsFromZod, type Problem } from './issues.js';
import { deploymentSchema, ENVIRONMENTS, type SchemaContext } from './schema.js';
import { closest } from './suggest.js';

type Path = (string | number)[];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

const computeTime = field<Dist>(
  'a duration ≥ 0 s (e.g. 20ms)',
  (v) => {
    const r = checkDuration({ min: 0 })(v);
    return 'value' in r ? { value: { dist: 'constant', value: r.value } } : { allowed: 'a duration ≥ 0 s (e.g. 20ms)' };
  },
);

const callStep = obj({ call: field<string>('a chainlet name', (v) => (typeof v === 'string' ? { value: v } : { allowed: 'a chainlet name' })), count: int({ min: 1 }, 1), parallel: bool(false) });
const computeStep = obj({ compute: computeTime });
const dependsSchema = obj({
  retries: int({ min: 1 }, DEFAULT_DEPENDS.retries),
  timeout_sec: field<number>('a number of seconds > 0', (v) => (typeof v === 'number' && v > 0 && Number.isFinite(v) ? { value: v } : { allowed: 'a number of seconds > 0' }), DEFAULT_DEPENDS.timeout_sec),
  concurrency_limit: int({ min: 1 }, DEFAULT_DEPENDS.concurrency_limit),
});

const deploymentSchemas = new Map<string, z.ZodType>();
function deploymentFor(ctx: SchemaContext, environment: Environment | null): z.ZodType {
  const key = JSON.stringify([ctx.file, ctx.platform, environment, ctx.firstNonTrace]);
  let s = deploymentSchemas.get(key);
  if (!s) {
    if (deploymentSchemas.size >= 64) deploymentSchemas.clear();
    deploymentSchemas.set(key, (s = deploymentSchema({ ...ctx, environment })));
  }
  return s;
}

const at = (prefix: Path, problems: readonly Problem[]): Problem[] => problems.map((p) => ({ ...p, path: [...prefix, ...p.path] }));

export function parseChain(raw: unknown, ctx: SchemaContext): { chain: ChainConfig | null; problems: Problem[] } {
  const problems: Problem[] = [];
  const base: Path = ['chain'];
  if (!isRecord(raw)) return { chain: null, problems: [{ path: base, allowed: 'a mapping with entrypoint and chainlets' }] };
  for (const k of Object.keys(raw)) {
    if (k !== 'entrypoint' && k !== 'chainlets') problems.push({ path: [...base, k], allowed: '', unknownKey: ['entrypoint', 'chainlets'] });
  }
  const rawChainlets = raw.chainlets;
  if (!isRecord(rawChainlets) || Object.keys(rawChainlets).length === 0) {
    problems.push({ path: [...base, 'chainlets'], allowed: 'a mapping of chainlet names to their settings (at least one)' });
    return { chain: null, problems };
  }
  const names = Object.keys(rawChainlets);
  const entrypoint = raw.entrypoint;
  if (typeof entrypoint !== 'string' || !names.includes(entrypoint)) {
    const near = typeof entrypoint === 'string' ? closest(entrypoint, names) : null;
    problems.push({ path: [...base, 'entrypoint'], allowed: `one of the chainlets: ${names.join(', ')}${near ? ` (did you mean \`${near}\`?)` : ''}` });
  }

  const chainlets: Chainlet[] = [];
  for (const name of names) {
    const path: Path = [...base, 'chainlets', name];
    if (!NAME.test(name)) problems.push({ path, allowed: 'a chainlet name of letters, digits, `_` and `-`, starting with a letter or `_` (a Python class name)', found: JSON.stringify(name) });
    const c = rawChainlets[name];
    if (!isRecord(c)) {
      problems.push({ path, allowed: 'a mapping with the keys of `deployment:`, plus steps and depends' });
      continue;
    }
    const { steps: rawSteps, depends: rawDepends, ...rest } = c;
    const env = rest.environment === undefined ? 'production' : (ENVIRONMENTS as readonly unknown[]).includes(rest.environment) ? (rest.environment as Environment) : null;
    const d = deploymentFor(ctx, env).safeParse(rest);
    if (!d.success) problems.push(...at(path, problemsFromZod(d.error.issues)));
    let steps: Step[] | null = null;
    if (rawSteps !== undefined) {
      if (rest.service_time !== undefined) problems.push({ path: [...path, 'service_time'], allowed: 'nothing beside `steps` (the steps say what the work is)' });
      if (!Array.isArray(rawSteps) || rawSteps.length === 0) {
        problems.push({ path: [...path, 'steps'], allowed: 'a non-empty list of steps: {compute: 20ms} or {call: NAME, count: 1, parallel: false}' });
      } else {
        steps = [];
        rawSteps.forEach((s, i) => {
          const sp: Path = [...path, 'steps', i];
          const isCall = isRecord(s) && 'call' in s;
          const r = (isCall ? callStep : computeStep).safeParse(s);
          if (!r.success) {
            problems.push(...(isRecord(s) && ('call' in s || 'compute' in s) ? at(sp, problemsFromZod(r.error.issues)) : [{ path: sp, allowed: 'a step: {compute: 20ms} or {call: NAME}' }]));
            return;
          }
          const v = r.data as { call?: string; count?: number; parallel?: boolean; compute?: Dist };
          if (v.call !== undefined) {
            if (!names.includes(v.call)) {
              const near = closest(v.call, names);
              problems.push({ path: [...sp, 'call'], allowed: `one of the chainlets: ${names.join(', ')}${near ? ` (did you mean \`${near}\`?)` : ''}` });
            }
            steps!.push({ kind: 'call', callee: v.call, count: v.count!, parallel: v.parallel! });
          } else {
            steps!.push({ kind: 'compute', time: v.compute! });
          }
        });
      }
    }
    const depends: Record<string, Depends> = {};
    if (rawDepends !== undefined) {
      if (!isRecord(rawDepends)) problems.push({ path: [...path, 'depends'], allowed: 'a mapping of called chainlets to {retries, timeout_sec, concurrency_limit}' });
      else {
        const called = new Set((steps ?? []).flatMap((s) => (s.kind === 'call' ? [s.callee] : [])));
        for (const [dep, opts] of Object.entries(rawDepends)) {
          if (!called.has(dep)) {
            problems.push({ path: [...path, 'depends', dep], allowed: '', unknownKey: called.size > 0 ? [...called] : ['(no calls in steps)'] });
            continue;
          }
          const r = dependsSchema.safeParse(opts ?? {});
          if (!r.success) problems.push(...at([...path, 'depends', dep], problemsFromZod(r.error.issues)));
          else depends[dep] = r.data as Depends;
        }
      }
    }
    if (d.success) chainlets.push({ name, deployment: d.data as Chainlet['deployment'], steps, depends });
  }
  if (problems.length > 0) return { chain: null, problems };

  // The call graph: acyclic, every chainlet reachable from the entrypoint.
  const calls = new Map(chainlets.map((c) => [c.name, [...new Set((c.steps ?? []).flatMap((s) => (s.kind === 'call' ? [s.callee] : [])))]]));
  const cycle = findCycle(names, calls);
  if (cycle) {
    const first = cycle[0]!;
    const step = chainlets.find((c) => c.name === first)!.steps!.findIndex((s) => s.kind === 'call' && s.callee === cycle[1]);
    problems.push({ path: [...base, 'chainlets', first, 'steps', step, 'call'], found: `a cycle ${cycle.join(' → ')}`, allowed: 'calls that never come back to a caller (the call graph of a chain is acyclic)' });
    return { chain: null, problems };
  }
  const reached = new Set<string>();
  const visit = (n: string) => {
    if (reached.has(n)) return;
    reached.add(n);
    for (const m of calls.get(n) ?? []) visit(m);
  };
  visit(entrypoint as string);
  for (const n of names) {
    if (!reached.has(n)) problems.push({ path: [...base, 'chainlets', n], found: `a chainlet no call reaches from ${String(entrypoint)}`, allowed: 'chainlets the entrypoint calls, directly or through others' });
  }
  if (problems.length > 0) return { chain: null, problems };
  return { chain: { entrypoint: entrypoint as string, chainlets }, problems };
}

/** A cycle in the call graph, as names from a caller back to itself, or null. */
function findCycle(names: readonly string[], calls: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const dfs = (n: string): string[] | null => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of calls.get(n) ?? []) {
      if (state.get(m) === 'open') return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = dfs(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of names) {
    if (!state.has(n)) {
      const c = dfs(n);
      if (c) return c;
    }
  }
  return null;
}
