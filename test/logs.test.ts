/**
 * logs.txt (SPEC §13): the platform's log lines, one per line, with the simulated time from
 * assumptions.start_time and a five-character replica name. The time stamps and names on
 * hand-worked values; cuda-error's and crash-loop's files read line by line against their
 * events.csv and the scenario's own arithmetic; a chain's lines; and the log sink changes nothing
 * else a run writes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatLogTime, ReplicaNames, replicaName, startTimeMs } from '../src/output/logs.js';
import { runToFolder } from '../src/run-to-folder.js';
import { simulate } from '../src/run.js';
import type { Config } from '../src/model/config.js';
import type { LogEntry } from '../src/model/summary.js';
import { loadScenario, loadScenarioText, ScenarioError } from '../src/scenario/load.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-logs-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const scenario = (f: string) => path.resolve(import.meta.dirname, '../scenarios', f);
let runs = 0;

/** Run a scenario into a fresh folder; its logs.txt lines and events.csv rows. */
async function runFolder(file: string, edit: (c: Config) => void = () => {}): Promise<{ dir: string; lines: string[]; events: string[][] }> {
  const { config } = loadScenario(scenario(file));
  edit(config);
  const dir = path.join(root, `${path.basename(file, '.yaml')}-${runs++}`);
  await runToFolder(config, dir);
  const lines = fs.readFileSync(path.join(dir, 'logs.txt'), 'utf8').split('\n');
  expect(lines.pop()).toBe(''); // every line ends in a newline
  const events = fs.readFileSync(path.join(dir, 'events.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  return { dir, lines, events };
}

describe('the time stamp: MMM D h:mm:ssam, in UTC, seconds truncated', () => {
  const jan1 = startTimeMs('2026-01-01T00:00:00Z');
  it('the default start at t = 0 is midnight', () => {
    expect(formatLogTime(jan1, 0)).toBe('Jan 1 12:00:00am');
  });
  it('45296.9 s = 12 h 34 min 56.9 s: 12:34:56pm (truncated, not rounded)', () => {
    expect(formatLogTime(jan1, 45296.9)).toBe('Jan 1 12:34:56pm');
    expect(formatLogTime(jan1, 0.999)).toBe('Jan 1 12:00:00am');
  });
  it('12-hour clock, no leading zero on the hour or the day', () => {
    expect(formatLogTime(jan1, 3600)).toBe('Jan 1 1:00:00am');
    expect(formatLogTime(jan1, 43199)).toBe('Jan 1 11:59:59am');
    expect(formatLogTime(jan1, 43200)).toBe('Jan 1 12:00:00pm');
    expect(formatLogTime(jan1, 46800 + 5 * 60 + 7)).toBe('Jan 1 1:05:07pm');
  });
  it('a custom start_time: the platform FAQ\'s own stamp', () => {
    const s = startTimeMs('2026-01-27T22:36:03Z');
    expect(formatLogTime(s, 0)).toBe('Jan 27 10:36:03pm');
    // A zone other than Z is written in UTC: 05:30+05:30 is midnight UTC.
    expect(formatLogTime(startTimeMs('2026-01-01T05:30:00+05:30'), 0)).toBe('Jan 1 12:00:00am');
  });
  it('a day rollover', () => {
    expect(formatLogTime(jan1, 86399.999)).toBe('Jan 1 11:59:59pm');
    expect(formatLogTime(jan1, 86400)).toBe('Jan 2 12:00:00am');
    expect(formatLogTime(jan1, 9 * 86400 + 3600)).toBe('Jan 10 1:00:00am');
  });
  it('Dec 31 → Jan 1, and a leap day', () => {
    const s = startTimeMs('2025-12-31T23:59:30Z');
    expect(formatLogTime(s, 29.999)).toBe('Dec 31 11:59:59pm');
    expect(formatLogTime(s, 30)).toBe('Jan 1 12:00:00am');
    expect(formatLogTime(startTimeMs('2028-02-28T23:00:00Z'), 3600)).toBe('Feb 29 12:00:00am');
  });
  it('t as events.csv writes it (6 decimals), then truncated: float noise below an instant does not lose a second', () => {
    expect(formatLogTime(jan1, 1219.9999999)).toBe('Jan 1 12:20:20am');
    expect(formatLogTime(jan1, 1219.999999)).toBe('Jan 1 12:20:19am');
    // A start with a fraction of a second adds to t's: .5 + 0.7 s is 1.2 s.
    expect(formatLogTime(startTimeMs('2026-01-01T00:00:00.5Z'), 0.7)).toBe('Jan 1 12:00:01am');
    expect(formatLogTime(startTimeMs('2026-01-01T00:00:00.5Z'), 0.4)).toBe('Jan 1 12:00:00am');
  });
});

describe('assumptions.start_time', () => {
  const text = (start: string | null) =>
    `${start === null ? '' : `assumptions: { start_time: ${JSON.stringify(start)} }\n`}deployment: { startup: { load: 30s } }\ntraffic:\n  - { kind: poisson, rate: 1 }\n`;
  it('defaults to 2026-01-01T00:00:00Z; a date-time with its zone is kept as written', () => {
    expect(loadScenarioText(text(null), 's.yaml').config.assumptions.start_time).toBe('2026-01-01T00:00:00Z');
    expect(loadScenarioText(text('2026-03-08T09:15:00-08:00'), 's.yaml').config.assumptions.start_time).toBe('2026-03-08T09:15:00-08:00');
  });
  it('refuses a day that does not exist, a local time without a zone, and not a date', () => {
    for (const bad of ['2026-02-30T00:00:00Z', '2026-01-01T00:00:00', '2026-01-01T24:00:00Z', 'yesterday']) {
      expect(() => loadScenarioText(text(bad), 's.yaml'), bad).toThrow(ScenarioError);
    }
    expect(() => loadScenarioText(text('2028-02-29T12:00:00Z'), 's.yaml')).not.toThrow();
  });
});

describe('replica names', () => {
  it('five characters [a-z0-9], the same on every call, different for another seed, chainlet or replica', () => {
    const a = replicaName(42, undefined, 0);
    expect(a).toMatch(/^[a-z0-9]{5}$/);
    expect(replicaName(42, undefined, 0)).toBe(a);
    expect(new ReplicaNames(42).name(undefined, 0)).toBe(a);
    expect(replicaName(43, undefined, 0)).not.toBe(a);
    expect(replicaName(42, 'LLM', 0)).not.toBe(a);
    expect(replicaName(42, undefined, 1)).not.toBe(a);
  });
  it('unique in the run: a name already given is rehashed', () => {
    // Find the first two replica ids whose own names collide (36^5 names: one is due within ~10^4 ids).
    const seen = new Map<string, number>();
    let pair: [number, number] | null = null;
    for (let id = 0; pair === null && id < 100_000; id++) {
      const n = replicaName(7, undefined, id);
      const before = seen.get(n);
      if (before !== undefined) pair = [before, id];
      else seen.set(n, id);
    }
    expect(pair).not.toBeNull();
    const [i, j] = pair!;
    const names = new ReplicaNames(7);
    for (let id = 0; id <= j; id++) names.name(undefined, id);
    expect(names.name(undefined, i)).toBe(replicaName(7, undefined, i));
    expect(names.name(undefined, j)).not.toBe(names.name(undefined, i));
    expect(names.name(undefined, j)).toBe(replicaName(7, undefined, j, 1));
    // And over every id so far, no two alike; asked again, each keeps its name.
    const all = Array.from({ length: j + 1 }, (_, id) => names.name(undefined, id));
    expect(new Set(all).size).toBe(j + 1);
    expect(Array.from({ length: j + 1 }, (_, id) => names.name(undefined, id))).toEqual(all);
  });
});

describe('logs.txt of scenarios/cuda-error.yaml, against its events.csv', async () => {
  const { lines, events } = await runFolder('cuda-error.yaml');
  const r0 = replicaName(42, undefined, 0);
  const at = (clock: string) => `Jan 1 ${clock} ${r0}`;
  const HC = 'Health check failed.';

  it('events.csv: the fault at 20m on replica 0, traffic stopped at 20:20, the liveness restart at 20:50', () => {
    expect(events.filter((e) => e[0] === '1200' || e[0] === '1220' || e[0] === '1250').filter((e) => e[1] === '0')).toEqual([
      ['1200', '0', 'fault', '', '', 'kind=cuda_error'],
      ['1220', '0', 'traffic_stopped', '', '', 'failures=3'],
      ['1250', '0', 'restart', '', '', 'cause=liveness;backoff=0'],
      ['1250', '0', 'state', 'ready', 'backoff', ''],
      ['1250', '0', 'state', 'backoff', 'loading', ''],
    ]);
  });

  it('replica 0 from 20:00 to 20:50: the fault, two failed checks per tick (stop-traffic and restart), the stop, the restart', () => {
    const window = lines.filter((l) => l.includes(` ${r0} `) && /^Jan 1 12:20:[0-5]\dam /.test(l));
    expect(window).toEqual([
      `${at('12:20:00am')} Simulated fault: cuda_error.`,
      `${at('12:20:00am')} ${HC}`, // the check at the fault's own instant already fails
      `${at('12:20:00am')} ${HC}`,
      `${at('12:20:10am')} ${HC}`,
      `${at('12:20:10am')} ${HC}`,
      `${at('12:20:20am')} ${HC}`,
      `${at('12:20:20am')} ${HC}`,
      `${at('12:20:20am')} Traffic stopped: 3 health checks failed in a row.`,
      `${at('12:20:30am')} ${HC}`,
      `${at('12:20:30am')} ${HC}`,
      `${at('12:20:40am')} ${HC}`,
      `${at('12:20:40am')} ${HC}`,
      `${at('12:20:50am')} ${HC}`,
      `${at('12:20:50am')} ${HC}`,
      `${at('12:20:50am')} Restarting the model: health checks failed past the restart threshold (restart count: 1, next start in 0 s).`,
      `${at('12:20:50am')} Model load started.`,
    ]);
    // No other check fails in the run: the 120 s check delay covers every load.
    expect(lines.filter((l) => l.endsWith(HC))).toHaveLength(12);
    // The new container's first check (20:50 + 120 s) finds it loaded: routable again at 22:50 (events.csv: 1370).
    expect(events.some((e) => e[0] === '1370' && e[1] === '0' && e[2] === 'routable')).toBe(true);
    expect(lines).toContain(`${at('12:22:50am')} Ready: receiving traffic.`);
  });

  it('every events.csv row but a back-off state has its line, at its time, from its replica (or the autoscaler)', () => {
    const start = startTimeMs('2026-01-01T00:00:00Z');
    const other = lines.filter((l) => !l.endsWith(HC));
    const logged = events.filter((e) => !(e[2] === 'state' && e[4] === 'backoff'));
    expect(other).toHaveLength(logged.length);
    logged.forEach((e, i) => {
      const who = e[1] === '' ? 'autoscaler' : replicaName(42, undefined, Number(e[1]));
      expect(other[i]!.startsWith(`${formatLogTime(start, Number(e[0]))} ${who} `), `${e.join(',')} ↔ ${other[i]}`).toBe(true);
    });
    expect(other.filter((l) => l.includes(' autoscaler Scaling up from 2 to 3 replicas'))).toEqual([
      'Jan 1 12:03:50am autoscaler Scaling up from 2 to 3 replicas (average in flight 1.417).',
      'Jan 1 12:40:50am autoscaler Scaling up from 2 to 3 replicas (average in flight 1.498).',
    ]);
  });

  it('five replicas, five distinct names', () => {
    const names = new Set(lines.map((l) => l.split(' ')[3]).filter((w) => w !== 'autoscaler'));
    expect([...names].sort()).toEqual([0, 1, 2, 3, 4].map((id) => replicaName(42, undefined, id)).sort());
  });
});

describe('logs.txt of scenarios/crash-loop.yaml: the platform\'s crash line with its restart count', async () => {
  const { lines, events } = await runFolder('crash-loop.yaml');
  const r1 = replicaName(10, undefined, 1);

  it('restart count 1, 2, 3, …: every container of replica 1 crashes 45 s after its start, back-off 0, 10, 20, … 300 s', () => {
    // By hand: the first crash at 5:00 (its container started at 0, 45 s is past); then each start
    // is the crash + back-off, each crash 45 s later: 300, 345 (+0+45), 400 (+10+45), 465 (+20+45),
    // 550 (+40), 675 (+80), 880 (+160), then +300+45 = 345 s apart: 1225, 1570, 1915, 2260; the run ends at 2400.
    const clocks = ['12:05:00am', '12:05:45am', '12:06:40am', '12:07:45am', '12:09:10am', '12:11:15am', '12:14:40am', '12:20:25am', '12:26:10am', '12:31:55am', '12:37:40am'];
    const crashes = lines.filter((l) => l.includes('Model terminated unexpectedly'));
    expect(crashes).toEqual(clocks.map((c, i) => `Jan 1 ${c} ${r1} Model terminated unexpectedly. Exit code: 0, reason: Completed, restart count: ${i + 1}`));
    expect(events.filter((e) => e[2] === 'restart').map((e) => Number(e[0]))).toEqual([300, 345, 400, 465, 550, 675, 880, 1225, 1570, 1915, 2260]);
  });

  it('a crash with a back-off says when the next start is', () => {
    const i = lines.indexOf(`Jan 1 12:05:45am ${r1} Model terminated unexpectedly. Exit code: 0, reason: Completed, restart count: 2`);
    expect(lines[i + 1]).toBe(`Jan 1 12:05:45am ${r1} Back-off: next start in 10 s (CrashLoopBackOff).`);
    expect(lines[i + 2]).toBe(`Jan 1 12:05:55am ${r1} Model load started.`);
  });
});

describe('logs.txt of a chain: every chainlet\'s lines, merged in time order', async () => {
  const { lines } = await runFolder('chains/rag-cascade.yaml');
  it('each line carries its chainlet before the replica name', () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^[A-Z][a-z]{2} \d{1,2} \d{1,2}:\d{2}:\d{2}[ap]m (RAG|Embedder|LLM)\/([a-z0-9]{5}|autoscaler) \S/);
  });
  it('the entries come in time order across chainlets, and names are unique across them', () => {
    const { config } = loadScenario(scenario('chains/rag-cascade.yaml'));
    const entries: LogEntry[] = [];
    simulate(config, { log: (e) => entries.push(e) });
    expect(new Set(entries.map((e) => e.chainlet)).size).toBe(3);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.t).toBeGreaterThanOrEqual(entries[i - 1]!.t);
    const names = new ReplicaNames(config.seed);
    const pairs = new Set(entries.flatMap((e) => (e.what === 'scale' ? [] : [`${e.chainlet}/${e.replica}`])));
    const given = [...pairs].map((p) => names.name(p.split('/')[0], Number(p.split('/')[1])));
    expect(new Set(given).size).toBe(pairs.size);
  });
});

describe('the log sink changes nothing else', () => {
  for (const file of ['cuda-error.yaml', 'crash-loop.yaml', 'faq-check-delay.yaml', 'chains/retries.yaml']) {
    it(file, () => {
      const run = (withLogs: boolean) => {
        const { config } = loadScenario(scenario(file));
        const rows: unknown[] = [];
        let logged = 0;
        const summary = simulate(config, {
          event: (r) => rows.push(r),
          sample: (r) => rows.push(r),
          ...(withLogs ? { log: () => void logged++ } : {}),
        });
        return { summary, rows, logged };
      };
      const plain = run(false);
      const logged = run(true);
      expect(logged.logged).toBeGreaterThan(0);
      expect(logged.summary).toEqual(plain.summary);
      expect(logged.rows).toEqual(plain.rows);
    });
  }
});

describe('under baseten-2026, a failed startup check is one line', () => {
  it('faq-check-delay: the slow load fails three startup checks, one line each', async () => {
    const { lines } = await runFolder('faq-check-delay.yaml', (c) => {
      c.platform = 'baseten-2026';
      c.deployment.runtime.health_checks.restart_check_delay_seconds = 150;
    });
    const failed = lines.filter((l) => l.endsWith('Health check failed.'));
    expect(failed.map((l) => l.split(' ')[2])).toEqual(['12:02:55am', '12:03:05am', '12:03:15am']);
  });
});
