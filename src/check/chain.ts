/**
 * The checker for a Chain's run (SPEC §12): section 11's invariants per chainlet, each chainlet's
 * rows checked as a single deployment against its own deployment config and its own summary, plus
 * the chain's three invariants, rebuilt from requests.csv's `parent` column:
 *
 *   12.1  a request that succeeded had every one of its calls succeed: for each caller request that
 *         ended 200 (at any chainlet, so the entrypoint's whole call tree), its last dispatched
 *         attempt's calls to each callee C include exactly n_C attempts that succeeded from the
 *         caller's side (answered 200 within `timeout_sec`), n_C = Σ `count` of its steps calling C,
 *         and none of them was still in flight (caller's side) when the caller answered 200.
 *   12.2  a call's attempts never exceed `retries`: per caller request and callee C, the attempts
 *         made in its last dispatched attempt (arrival ≥ its `dispatched`) are ≤ retries × n_C, and
 *         those made before (its earlier attempts: the router ran every step again) are ≤ retries
 *         × n_C × (the caller's `attempts` − 1).
 *   12.3  calls in flight from one caller replica to a dependency never exceed `concurrency_limit`,
 *         counted with intervals each attempt surely held its slot (see `slotIntervals`).
 *
 * What the rows do not tell: which attempts of several calls to one callee belong to which call (so
 * 12.2 bounds their sum, exact when n_C = 1); on which replica a caller's earlier (retried)
 * attempts ran (their calls are left out of 12.3); when a slot was freed by the caller's abandoning
 * an attempt that was neither answered nor timed out (12.3 then counts it only while it is sure).
 *
 * Like invariants.ts it shares no code with the model: the default `depends` and the per-chainlet
 * config are written again here.
 */
import type { Config, Chainlet, Depends } from '../model/config.js';
import type { ChainSummary, EventRow, RequestRow, Summary, TimelineRow } from '../model/summary.js';
import type { CheckOptions, RunOutputs, Violation } from './violations.js';

/** truss-chains `chains.depends` defaults (SPEC §12). */
const DEFAULT_DEPENDS: Depends = { retries: 1, timeout_sec: 600, concurrency_limit: 300 };

/** A run's request id at a chainlet, as callees write it in `parent`. */
const key = (chainlet: string, id: number): string => `${chainlet}/${id}`;

function s(t: number): string {
  return `${Number(t.toFixed(3))} s`;
}

function ids(rows: readonly RequestRow[], max = 8): string {
  const shown = rows.slice(0, max).map((r) => key(r.chainlet ?? '?', r.id));
  return rows.length > max ? `${shown.join(', ')} and ${rows.length - max} more` : shown.join(', ');
}

/** The config a chainlet is checked with: its deployment and its faults, the run's everything else. */
export function chainletConfigFor(config: Config, c: Chainlet): Config {
  return { ...config, chain: null, name: c.name, deployment: c.deployment, faults: config.faults.filter((f) => f.chainlet === c.name) };
}

/** Σ `count` of a chainlet's call steps, per callee. */
function callCounts(c: Chainlet): Map<string, number> {
  const n = new Map<string, number>();
  for (const step of c.steps ?? []) if (step.kind === 'call') n.set(step.callee, (n.get(step.callee) ?? 0) + step.count);
  return n;
}

export function checkChainRun(run: RunOutputs, opts: CheckOptions, checkDeployment: (run: RunOutputs, opts: CheckOptions) => Violation[]): Violation[] {
  const tol = opts.tolerance ?? 1e-6;
  const max = opts.maxViolations ?? 200;
  const config = run.config;
  const chain = config.chain!;
  const summary = run.summary as ChainSummary;
  const out: Violation[] = [];
  const add = (v: Violation): void => {
    if (out.length < max) out.push(v);
  };
  const names = new Set(chain.chainlets.map((c) => c.name));
  const byName = new Map(chain.chainlets.map((c) => [c.name, c]));

  // Rows of an unknown chainlet would be silently left out of every check.
  const unknown = (what: string, rows: readonly { chainlet?: string }[] | null | undefined): void => {
    const bad = rows?.filter((r) => r.chainlet === undefined || !names.has(r.chainlet)) ?? [];
    if (bad.length) add({ invariant: 0, message: `${bad.length} ${what} rows name no chainlet of the chain (e.g. "${bad[0]!.chainlet ?? ''}"; chainlets: ${[...names].join(', ')})` });
  };
  unknown('events', run.events);
  unknown('requests', run.requests);
  unknown('timeline', run.samples);

  // Section 11, per chainlet.
  const split = <T extends { chainlet?: string }>(rows: readonly T[] | null | undefined, name: string): T[] | null => (rows ? rows.filter((r) => r.chainlet === name) : null);
  for (const c of chain.chainlets) {
    const own = summary.chainlets?.[c.name];
    if (!own) {
      add({ invariant: 0, chainlet: c.name, message: `summary.chainlets has no ${c.name}` });
      continue;
    }
    const vs = checkDeployment(
      {
        config: chainletConfigFor(config, c),
        summary: own,
        events: split<EventRow>(run.events, c.name)!,
        requests: split<RequestRow>(run.requests, c.name),
        samples: split<TimelineRow>(run.samples, c.name),
      },
      { ...opts, maxViolations: Math.max(0, max - out.length) },
    );
    for (const v of vs) add({ ...v, chainlet: c.name });
  }
  checkChainSummary();
  if (run.requests) checkCalls(run.requests);
  return out;

  /** The top of summary.json is the entrypoint's view; the chain's billing sums every chainlet's. */
  function checkChainSummary(): void {
    const entry = summary.chainlets?.[chain.entrypoint];
    if (!entry) return;
    const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
    if (!same(summary.requests, entry.requests)) add({ invariant: 0, message: `summary.requests ${JSON.stringify(summary.requests)} is not the entrypoint ${chain.entrypoint}'s ${JSON.stringify(entry.requests)}` });
    if (summary.chain && !same(summary.chain.requests, entry.requests)) add({ invariant: 0, message: `summary.chain.requests is not the entrypoint ${chain.entrypoint}'s requests` });
    if (summary.chain) {
      const all = Object.values(summary.chainlets) as Summary[];
      const billed = all.reduce((a, x) => a + x.billing.billed_minutes, 0);
      const cost = all.reduce((a, x) => a + x.billing.cost, 0);
      if (summary.chain.billing.billed_minutes !== billed) add({ invariant: 7, message: `summary.chain.billing.billed_minutes ${summary.chain.billing.billed_minutes} ≠ Σ chainlets' billed_minutes ${billed}` });
      if (Math.abs(summary.chain.billing.cost - cost) > 0.006 * all.length + 1e-9 * cost) add({ invariant: 7, message: `summary.chain.billing.cost ${summary.chain.billing.cost} ≠ Σ chainlets' cost ${Number(cost.toFixed(6))}` });
    }
  }

  function checkCalls(rows: readonly RequestRow[]): void {
    const byKey = new Map<string, RequestRow>();
    const children = new Map<string, RequestRow[]>();
    let reported = 0;
    const report = (v: Violation): void => {
      if (reported++ < 20) add(v);
    };
    for (const r of rows) if (r.chainlet !== undefined) byKey.set(key(r.chainlet, r.id), r);
    for (const r of rows) {
      const parent = r.parent ?? '';
      if (r.chainlet === undefined || !names.has(r.chainlet)) continue;
      if (r.chainlet === chain.entrypoint) {
        if (parent !== '') report({ invariant: 0, chainlet: r.chainlet, t: r.arrival, message: `request ${key(r.chainlet, r.id)} at the entrypoint has parent "${parent}"; traffic has none` });
        continue;
      }
      const p = byKey.get(parent);
      if (!p) {
        report({ invariant: 0, chainlet: r.chainlet, t: r.arrival, message: `request ${key(r.chainlet, r.id)} has parent "${parent}", which is no request of the run` });
        continue;
      }
      const list = children.get(parent);
      if (list) list.push(r);
      else children.set(parent, [r]);
    }
    const slots = new Map<string, { caller: string; replica: number; callee: string; limit: number; iv: { from: number; to: number; row: RequestRow; parent: RequestRow }[] }>();
    for (const [pk, kids] of children) {
      const p = byKey.get(pk)!;
      const caller = byName.get(p.chainlet!)!;
      const n = callCounts(caller);
      const dep = (c: string): Depends => caller.depends[c] ?? DEFAULT_DEPENDS;
      // Calls made before the caller's last dispatched attempt belong to earlier attempts (the
      // router's retry waits ≥ 1 ms); calls cannot start before the caller was dispatched at all.
      const splitTol = Math.min(tol, 1e-5);
      const last = p.dispatched === null ? [] : kids.filter((k) => k.arrival >= p.dispatched! - splitTol);
      for (const k of kids) {
        if (p.finished !== null && k.arrival > p.finished + tol) {
          report({ invariant: 0, chainlet: k.chainlet, t: k.arrival, message: `call ${key(k.chainlet!, k.id)} arrived at ${s(k.arrival)}, after its caller ${pk} ended at ${s(p.finished)}` });
        }
      }
      if (p.dispatched === null && kids.length) {
        report({ invariant: 0, chainlet: p.chainlet, message: `request ${pk} was never dispatched but made calls: ${ids(kids)}` });
      }
      const byCallee = new Map<string, RequestRow[]>();
      for (const k of kids) {
        const l = byCallee.get(k.chainlet!);
        if (l) l.push(k);
        else byCallee.set(k.chainlet!, [k]);
      }
      // 12.2: attempts.
      for (const [callee, all] of byCallee) {
        const nc = n.get(callee) ?? 0;
        const { retries } = dep(callee);
        const lastC = all.filter((k) => last.includes(k));
        if (lastC.length > retries * nc) {
          report({
            invariant: '12.2',
            chainlet: caller.name,
            t: lastC[0]!.arrival,
            message:
              nc === 0
                ? `request ${pk} called ${callee}, which its steps never call: ${ids(lastC)}`
                : `request ${pk}'s last attempt (dispatched ${s(p.dispatched!)}) made ${lastC.length} attempts at ${callee}, above retries ${retries} × ${nc} call${nc === 1 ? '' : 's'} = ${retries * nc}: ${ids(lastC)}`,
          });
        } else if (all.length - lastC.length > retries * nc * (p.attempts - 1)) {
          // Earlier calls belong to the caller's other attempts: at most attempts − 1 of them ran.
          const earlier = all.filter((k) => !last.includes(k));
          report({
            invariant: '12.2',
            chainlet: caller.name,
            t: earlier[0]!.arrival,
            message: `request ${pk} made ${earlier.length} attempts at ${callee} before its last dispatch (${p.dispatched === null ? 'never dispatched' : s(p.dispatched)}), above retries ${retries} × ${nc} call${nc === 1 ? '' : 's'} × ${p.attempts - 1} earlier attempt${p.attempts === 2 ? '' : 's'} = ${retries * nc * (p.attempts - 1)}: ${ids(earlier)}`,
          });
        }
      }
      // 12.3: the intervals each last-attempt call surely held a slot of the caller's replica.
      if (p.replica !== null && p.dispatched !== null) {
        const alive = aliveUntil(p, last);
        for (const k of last) {
          const { timeout_sec, concurrency_limit } = dep(k.chainlet!);
          const to = Math.min(k.finished ?? Infinity, k.arrival + timeout_sec, alive);
          const sk = `${caller.name}\u0000${p.replica}\u0000${k.chainlet}`;
          let g = slots.get(sk);
          if (!g) slots.set(sk, (g = { caller: caller.name, replica: p.replica, callee: k.chainlet!, limit: concurrency_limit, iv: [] }));
          g.iv.push({ from: k.arrival, to, row: k, parent: p });
        }
      }
    }
    // 12.1: a caller that answered 200 had each of its calls succeed (its last attempt's).
    for (const p of rows) {
      if (p.status !== 200 || p.chainlet === undefined || !names.has(p.chainlet)) continue;
      const caller = byName.get(p.chainlet)!;
      const n = callCounts(caller);
      if (n.size === 0) continue;
      const pk = key(p.chainlet, p.id);
      const kids = children.get(pk) ?? [];
      const splitTol = Math.min(tol, 1e-5);
      const last = p.dispatched === null ? [] : kids.filter((k) => k.arrival >= p.dispatched! - splitTol);
      for (const [callee, nc] of n) {
        const { timeout_sec } = caller.depends[callee] ?? DEFAULT_DEPENDS;
        const mine = last.filter((k) => k.chainlet === callee);
        const sure = mine.filter((k) => k.status === 200 && k.finished !== null && k.finished < k.arrival + timeout_sec - tol);
        const maybe = mine.filter((k) => k.status === 200 && k.finished !== null && Math.abs(k.finished - (k.arrival + timeout_sec)) <= tol);
        if (sure.length + maybe.length < nc) {
          const failed = mine.filter((k) => !sure.includes(k) && !maybe.includes(k));
          report({
            invariant: '12.1',
            chainlet: caller.name,
            t: p.finished ?? undefined,
            message: `request ${pk} answered 200 at ${s(p.finished!)}, but only ${sure.length + maybe.length} of its ${nc} call${nc === 1 ? '' : 's'} to ${callee} succeeded${mine.length ? ` (attempts: ${ids(mine)}${failed.length ? `; failed or timed out: ${ids(failed)}` : ''})` : ' (no attempt at all)'}`,
          });
        } else if (sure.length > nc) {
          report({
            invariant: '12.1',
            chainlet: caller.name,
            t: p.finished ?? undefined,
            message: `request ${pk} made ${nc} call${nc === 1 ? '' : 's'} to ${callee} but ${sure.length} attempts succeeded (${ids(sure)}): a call that succeeded was tried again`,
          });
        }
        for (const k of mine) {
          const end = Math.min(k.finished ?? Infinity, k.arrival + timeout_sec);
          if (end > p.finished! + tol) {
            report({
              invariant: '12.1',
              chainlet: caller.name,
              t: p.finished ?? undefined,
              message: `request ${pk} answered 200 at ${s(p.finished!)} while its call ${key(callee, k.id)} (arrived ${s(k.arrival)}) was still in flight until ${Number.isFinite(end) ? s(end) : 'the end'}`,
            });
          }
        }
      }
    }
    // 12.3: the sweep.
    for (const g of slots.values()) {
      const marks: { t: number; d: number; row: RequestRow }[] = [];
      for (const x of g.iv) {
        // Held over [from, to): a slot freed and taken at one instant is not two in flight.
        if (x.to - tol <= x.from) continue;
        marks.push({ t: x.from, d: 1, row: x.row }, { t: x.to - tol, d: -1, row: x.row });
      }
      marks.sort((a, b) => a.t - b.t || a.d - b.d);
      const held = new Set<RequestRow>();
      for (const m of marks) {
        if (m.d < 0) {
          held.delete(m.row);
          continue;
        }
        held.add(m.row);
        if (held.size > g.limit) {
          const inFlight = [...held].sort((a, b) => a.arrival - b.arrival);
          const parents = [...new Set(g.iv.filter((x) => held.has(x.row)).map((x) => key(x.parent.chainlet!, x.parent.id)))];
          report({
            invariant: '12.3',
            chainlet: g.caller,
            t: m.t,
            message: `${held.size} calls in flight from ${g.caller} replica ${g.replica} to ${g.callee} at ${s(m.t)}, above concurrency_limit ${g.limit}: ${ids(inFlight)} (callers ${parents.slice(0, 8).join(', ')}${parents.length > 8 ? ', ...' : ''})`,
          });
          break; // one per replica and dependency
        }
      }
    }
  }

  /**
   * The latest time the caller's last dispatched attempt surely ran (its calls were not abandoned
   * before): its end when its end was the answer (a 200; a single attempt; a final 502/503/504,
   * which only a dispatched attempt gives); else, retried and then answered by the router (500 from
   * the queue, 429) or still open, only that it was alive when it made its last call; in flight at
   * the end in its only attempt: the whole run.
   */
  function aliveUntil(p: RequestRow, last: readonly RequestRow[]): number {
    if (p.finished === null) return p.attempts === 1 ? Infinity : Math.max(-Infinity, ...last.map((k) => k.arrival));
    if (p.status === 200 || p.attempts === 1 || p.status === 502 || p.status === 503 || p.status === 504) return p.finished;
    return Math.max(-Infinity, ...last.map((k) => k.arrival));
  }
}
