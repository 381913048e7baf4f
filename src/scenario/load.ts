/**
 * Scenario file → validated Config. Steps: read (text only), parse YAML with positions, apply
 * `--set` overrides to the document (so they are validated like the file), derive what the
 * schema depends on (platform, environment, traffic kinds), validate everything at once, and
 * format every problem as `file:line:col key.path: found X, allowed Y`.
 * No CLI knowledge here: no process.exit, no console output; errors are a ScenarioError.
 *
 * The pieces: source.ts (YAML with positions, overrides), schema.ts (what is allowed, defaults,
 * relations between keys), fields.ts (zod leaves with "allowed ..." messages), issues.ts (the
 * error lines), suggest.ts ("did you mean"), duration.ts, trace-csv.ts.
 */
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import type { Node } from 'yaml';
import type { ChainConfig, Config, Environment, Fault, Platform, Traffic } from '../model/config.js';
import { normalizeAutoscaling } from './autoscaling-api.js';
import { duration } from '../text/human.js';
import { lints } from './lints.js';
import { parseChain } from './chain.js';
import { provenanceOf, trussOrigin, trussOriginIn, withTrussFiles, type Provenance } from './truss-merge.js';
import { estimateWork, formatCount } from './estimate.js';
import { formatProblems, formatWarning, pathText, problemsFromZod, ScenarioError, type Problem } from './issues.js';
import { FileRefusal, readBoundedFile, SCENARIO_MAX_BYTES } from './read-file.js';
import { ENVIRONMENTS, PLATFORMS, scenarioSchema, type SchemaContext } from './schema.js';
import {
  applyOverride,
  MAX_ALIAS_COUNT,
  MAX_DEPTH,
  parseOverride,
  parseOverrideValue,
  parseSource,
  refusedNodes,
  TAG_ALLOWED,
  tooDeep,
  writtenNumber,
  type Override,
  type Path,
} from './source.js';
import { clipText } from './suggest.js';

export { ScenarioError } from './issues.js';

export interface LoadOptions {
  /** `key.path=value` from `--set`; the value is read as YAML (`4`, `10m`, `[1, 2]`, `{kind: poisson, rate: 1}`). */
  overrides?: string[];
  /**
   * The option the overrides came from, naming them in messages (default `--set`). A sweep passes
   * `--vary`: one override per value of the list, so a problem that does not depend on the value
   * (an unknown key) is labelled `--vary key.path`, the same line for every value.
   */
  overrideOption?: '--set' | '--vary';
  /** Replaces the file's `seed:`. */
  seed?: number;
  /** Replaces the file's `duration:` (seconds or a string with a unit). */
  duration?: string | number;
}

export interface LoadedScenario {
  file: string;
  config: Config;
  warnings: string[];
  /** Absolute paths of the other files the scenario reads (traces): a sweep's resume key hashes their content. */
  reads: string[];
  /** Where each setting a truss file can give came from: written into config.json. */
  provenance: Record<string, Provenance>;
  /** The `explore:` block as written (after overrides), unvalidated; null when absent. */
  explore: unknown | null;
  /** The `expect:` block as written (after overrides), unvalidated; null when absent. */
  expect: unknown | null;
}

const TOP_KEYS =
  'name, description, seed, duration, platform, deployment, traffic, request, faults, assumptions, output, chain, explore, expect';

/** Reads `file` (trace CSVs are resolved relative to its folder) and validates it. */
export function loadScenario(file: string, opts: LoadOptions = {}): LoadedScenario {
  let bytes: Buffer;
  try {
    bytes = readBoundedFile(file, SCENARIO_MAX_BYTES);
  } catch (e) {
    const why = e instanceof FileRefusal ? e.message : (e as Error).message;
    throw new ScenarioError([`${file}: cannot read the scenario: ${why}`]);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ScenarioError([`${file}:1:1 (top level): found binary data (not UTF-8 text), allowed a YAML text file`]);
  }
  return loadScenarioText(text, file, opts);
}

export function loadScenarioText(text: string, file: string, opts: LoadOptions = {}): LoadedScenario {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const before = text.slice(0, nul).split('\n');
    throw new ScenarioError([
      `${file}:${before.length}:${before[before.length - 1]!.length + 1} (top level): found binary data (a NUL byte), allowed a YAML text file`,
    ]);
  }

  const posOf = (offset: number) => {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length, col: before[before.length - 1]!.length + 1 };
  };
  // Before the yaml library composes it: it recurses, and overflows the stack near 1000 levels.
  const deep = tooDeep(text);
  if (deep) {
    const at = posOf(deep.offset);
    throw new ScenarioError([
      `${file}:${at.line}:${at.col} ${pathText(deep.path)}: found YAML nested deeper than ${MAX_DEPTH} levels, allowed at most ${MAX_DEPTH} levels of mappings and lists`,
    ]);
  }

  const { source, errors, warnings: yamlWarnings } = parseSource(text);
  if (errors.length > 0) {
    throw new ScenarioError(errors.map((e) => `${file}:${e.line}:${e.col} YAML syntax error: ${e.message}`));
  }
  if (source.doc.contents === null) {
    const what = text.trim() === '' ? 'an empty file' : 'no content (only comments)';
    throw new ScenarioError([`${file}:1:1 (top level): found ${what}, allowed a mapping with the keys ${TOP_KEYS} (traffic is required)`]);
  }
  // A tag the core schema does not have changes how its value is read (`!!omap` reads as {}).
  const tagged = refusedNodes(source.doc, text);
  if (tagged.length > 0) {
    const fmt0 = { file, source, data: undefined, overrides: [] };
    throw new ScenarioError(formatProblems(tagged.map((t) => ({ path: t.path, at: posOf(t.offset), found: t.found, allowed: TAG_ALLOWED })), fmt0));
  }

  // The API's autoscaling_settings, pasted as returned (wrapper, nulls), before --set edits the document.
  const apiWarnings = normalizeAutoscaling(source, file);

  // Overrides edit the document, so they are validated exactly like the file.
  const overrides: Override[] = [];
  const overrideErrors: string[] = [];
  const setLeaves: { label: string; leaf: Path }[] = [];
  const option = opts.overrideOption ?? '--set';
  const onePerKey = `allowed one ${option} per key`;
  const apply = (label: string, keys: string[], value: Node, isSet: boolean, keyLabel?: string) => {
    const r = applyOverride(source, keys, value);
    if ('message' in r) {
      overrideErrors.push(`${label}: ${r.message}`);
      return;
    }
    for (const leaf of r.leaves) {
      overrides.push({ label, path: leaf, keys, ...(keyLabel !== undefined ? { keyLabel } : {}) });
      if (!isSet) continue;
      // Two --set for one key (or one inside the other's value): which should win is a guess.
      const clash = setLeaves.find((o) => o.label !== label && (startsWithPath(leaf, o.leaf) || startsWithPath(o.leaf, leaf)));
      if (clash) {
        overrideErrors.push(
          `${label}: found a second value for ${pathText(leaf.length <= clash.leaf.length ? leaf : clash.leaf)} (${clash.label} sets ${pathText(clash.leaf)}), ${onePerKey}`,
        );
      }
      setLeaves.push({ label, leaf });
    }
  };
  for (const raw of opts.overrides ?? []) {
    const label = `${option} ${clipText(raw, 200)}`;
    if (!raw.includes('=')) {
      // `--set a.b` alone: the key path is there, its value is what is missing.
      overrideErrors.push(`${label}: found no "=value", allowed key.path=value`);
      continue;
    }
    const parsed = parseOverride(raw);
    if (!parsed) {
      overrideErrors.push(`${label}: found no key path before \`=\`, allowed key.path=value (e.g. deployment.autoscaling.max_replica=4)`);
      continue;
    }
    const value = parseOverrideValue(parsed.valueText);
    const keyLabel = option === '--vary' ? `${option} ${clipText(parsed.path.join('.'), 200)}` : undefined;
    if ('message' in value) overrideErrors.push(`${label}: ${value.message}`);
    else apply(label, parsed.path, value.node, true, keyLabel);
  }
  if (opts.seed !== undefined) apply(`--seed ${opts.seed}`, ['seed'], source.doc.createNode(opts.seed), false);
  if (opts.duration !== undefined) apply(`--duration ${clipText(String(opts.duration))}`, ['duration'], source.doc.createNode(opts.duration), false);
  // A conflict is reported alone: the merged document is not what either --set meant.
  if (overrideErrors.length > 0 && setLeaves.length > 0 && overrideErrors.some((e) => e.endsWith(onePerKey))) {
    throw new ScenarioError(overrideErrors);
  }

  let data: unknown;
  try {
    data = source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const msg = (e as Error).message;
    if (/alias count/i.test(msg)) {
      throw new ScenarioError([`${file}:1:1 (top level): found aliases that expand more than ${MAX_ALIAS_COUNT} times (an alias bomb), allowed at most ${MAX_ALIAS_COUNT}`]);
    }
    throw new ScenarioError([`${file}:1:1 (top level): cannot read the document: ${clipText(msg, 200)}`]);
  }

  // The user's truss config.yaml goes under the deployment; the scenario's own keys win.
  const own = data;
  const withFiles = withTrussFiles(data, file);
  data = withFiles.data;
  const trussFiles = withFiles.files;
  const truss = trussFiles.find((f) => f.at.length === 1)?.truss ?? null;

  const ctx = schemaContext(file, data);
  const defaultName = basename(file, extname(file));
  const result = schemaFor(ctx, defaultName).safeParse(data);
  const fmt = { file, source, data, overrides, origin: (path: Path) => trussOriginIn(trussFiles, own, path) };
  // A seed is written in decimal digits: YAML reads `0x10` as 16 and `1e3` as 1000.
  const seedWritten = writtenNumber(source, ['seed']);
  const seedProblem: Problem[] =
    seedWritten !== undefined && !/^\d+$/.test(seedWritten)
      ? [{ path: ['seed'], found: clipText(seedWritten), allowed: `an integer ≥ 0 written in decimal digits (${clipText(seedWritten)} reads as ${String((data as { seed: unknown }).seed)})` }]
      : [];
  if (!result.success || seedProblem.length > 0) {
    const zodProblems = result.success ? [] : problemsFromZod(result.error.issues);
    const problems = seedProblem.length > 0 ? [...seedProblem, ...zodProblems.filter((p) => pathText(p.path) !== 'seed')] : zodProblems;
    throw new ScenarioError([...formatProblems(problems, fmt), ...overrideErrors]);
  }
  if (overrideErrors.length > 0) throw new ScenarioError(overrideErrors);

  const parsed = result.data;
  const chain = chainOf(own, data, parsed.faults, ctx, fmt);
  const later: Problem[] = [];
  // tokens service time reads the token columns: every trace must have them.
  if (parsed.deployment.service_time.dist === 'tokens') {
    parsed.traffic.forEach((t, i) => {
      if (t.kind === 'trace' && !t.hasTokens) {
        later.push({ path: ['traffic', i, 'file'], allowed: 'a trace with ContextTokens and GeneratedTokens columns (service_time is tokens)' });
      }
    });
  }
  // target_in_flight_tokens scales on the requests' tokens: every traffic entry must carry them.
  if ((parsed.deployment.autoscaling as { target_in_flight_tokens?: number }).target_in_flight_tokens != null) {
    parsed.traffic.forEach((t, i) => {
      if (t.kind !== 'trace' || !t.hasTokens) {
        later.push({
          path: ['traffic', i],
          found: t.kind === 'trace' ? 'a trace without ContextTokens and GeneratedTokens columns' : `a ${t.kind} process (no tokens)`,
          allowed: 'a trace with ContextTokens and GeneratedTokens columns (deployment.autoscaling.target_in_flight_tokens scales on them)',
        });
      }
    });
  }
  if (later.length > 0) throw new ScenarioError(formatProblems(later, fmt));

  const warnings = [...yamlWarnings.map((w) => `${file}:${w.line}:${w.col} YAML: ${w.message}`), ...trussFiles.flatMap((f) => f.truss.read.warnings), ...apiWarnings];
  const hc = parsed.deployment.runtime.health_checks;
  if (parsed.platform === 'baseten-2026' && hc.restart_check_delay_seconds !== 0) {
    warnings.push(
      formatWarning(
        ['deployment', 'runtime', 'health_checks', 'restart_check_delay_seconds'],
        (found) =>
          `found ${found}, deprecated under baseten-2026 (startup_threshold_seconds now protects a slow load); ` +
          `it still delays every container's first check, so a replica takes traffic no sooner than ${duration(hc.restart_check_delay_seconds)} after it starts`,
        fmt,
      ),
    );
  }

  const traffic: Traffic[] = parsed.traffic.map((t) => {
    if (t.kind !== 'trace') return t;
    const { hasTokens: _, ...rest } = t;
    return rest;
  });
  const config: Config = {
    name: parsed.name,
    description: parsed.description,
    seed: parsed.seed,
    duration: parsed.duration,
    platform: parsed.platform,
    // With a chain, `deployment` is the entrypoint's (what a client sees).
    deployment: chain ? chain.chainlets.find((c) => c.name === chain.entrypoint)!.deployment : normalizeDeployment(parsed.deployment),
    ...(chain ? { chain } : {}),
    traffic,
    request: parsed.request,
    faults: parsed.faults,
    assumptions: parsed.assumptions,
    output: parsed.output,
  };
  // Refuse before running what would take hours or exhaust memory; the message names the estimate.
  const work = estimateWork(config);
  if (!(work.total <= config.assumptions.max_work)) {
    const top = work.parts.reduce((a, b) => (b.count > a.count ? b : a));
    const shown = work.parts.filter((p) => p.count >= 1).map((p) => `${p.what} ${formatCount(p.count)}`);
    throw new ScenarioError(
      formatProblems(
        [
          {
            path: top.path,
            found: `an estimated ${formatCount(work.total)} events over ${formatCount(config.duration)} s (${shown.join(', ')})`,
            allowed: `at most assumptions.max_work ${formatCount(config.assumptions.max_work)} (a simulated day at 10,000 req/s is 864,000,000; shorten duration, lower the rate, or raise assumptions.max_work)`,
          },
        ],
        fmt,
      ),
    );
  }
  // What the tool can compute about the run before it starts (a certain crash loop, a fault that never fires).
  const written = (path: (string | number)[]) => valueAtPath(own, path) !== undefined || (truss !== null && path[0] === 'deployment' && trussOrigin(truss, own, path) !== null);
  for (const lint of lints(config, chain ? undefined : written)) warnings.push(formatWarning(lint.path, () => lint.message, fmt));
  for (const c of chain?.chainlets ?? []) {
    if (c.name === chain!.entrypoint) continue; // linted above as the config's deployment
    const view: Config = { ...config, deployment: c.deployment, faults: [] };
    for (const lint of lints(view)) {
      const path = lint.path[0] === 'deployment' ? ['chain', 'chainlets', c.name, ...lint.path.slice(1)] : lint.path;
      warnings.push(formatWarning(path, () => `${c.name}: ${lint.message}`, fmt));
    }
  }
  return {
    file,
    config,
    warnings,
    reads: [
      ...parsed.traffic.flatMap((t) => (t.kind === 'trace' ? [isAbsolute(t.file) ? t.file : resolve(dirname(resolve(file)), t.file)] : [])),
      ...trussFiles.map((f) => f.truss.path),
    ],
    provenance: provenanceOf(truss, own, fmt, parsed.deployment.instance),
    explore: parsed.explore ?? null,
    expect: parsed.expect ?? null,
  };
}

/**
 * Building the schema costs ~10 ms (zod compiles each new object schema), parsing with a built
 * one ~0.1 ms. Sweeps load the same file hundreds of times, so keep the few schemas in use.
 */
const schemas = new Map<string, ReturnType<typeof scenarioSchema>>();

function schemaFor(ctx: SchemaContext, defaultName: string): ReturnType<typeof scenarioSchema> {
  const key = JSON.stringify([ctx.file, ctx.platform, ctx.environment, ctx.firstNonTrace, defaultName]);
  let schema = schemas.get(key);
  if (!schema) {
    if (schemas.size >= 64) schemas.clear();
    schema = scenarioSchema(ctx, defaultName);
    schemas.set(key, schema);
  }
  return schema;
}

/** What the schema depends on, read tolerantly from the unvalidated data. */
function schemaContext(file: string, data: unknown): SchemaContext {
  const root = isRecord(data) ? data : {};
  const deployment = isRecord(root.deployment) ? root.deployment : {};
  const platform: Platform | null =
    root.platform === undefined ? 'baseten-2026' : (PLATFORMS as readonly unknown[]).includes(root.platform) ? (root.platform as Platform) : null;
  const environment: Environment | null =
    deployment.environment === undefined
      ? 'production'
      : (ENVIRONMENTS as readonly unknown[]).includes(deployment.environment)
        ? (deployment.environment as Environment)
        : null;
  let firstNonTrace: SchemaContext['firstNonTrace'] = null;
  if (Array.isArray(root.traffic)) {
    const i = root.traffic.findIndex((t) => !isRecord(t) || t.kind !== 'trace');
    if (i >= 0) {
      const t: unknown = root.traffic[i];
      firstNonTrace = { index: i, kind: isRecord(t) && typeof t.kind === 'string' ? t.kind : 'not a trace' };
    }
  } else {
    firstNonTrace = { index: 0, kind: 'not a trace' };
  }
  return { file, platform, environment, firstNonTrace };
}

function startsWithPath(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The deployment as the model takes it (startup_threshold_seconds null under baseten-2025). */
function normalizeDeployment(d: Config['deployment']): Config['deployment'] {
  const hc = d.runtime.health_checks;
  return { ...d, runtime: { predict_concurrency: d.runtime.predict_concurrency, health_checks: { ...hc, startup_threshold_seconds: hc.startup_threshold_seconds ?? null } } };
}

/**
 * `chain:` validated (SPEC §12), or null without one. A scenario has `deployment:` or `chain:`;
 * in a chain every fault names its chainlet, and outside one none does.
 */
function chainOf(own: unknown, data: unknown, faults: readonly Fault[], ctx: SchemaContext, fmt: Parameters<typeof formatProblems>[1]): ChainConfig | null {
  const root = isRecord(data) ? data : {};
  const problems: Problem[] = [];
  if (root.chain === undefined) {
    faults.forEach((f, i) => {
      if (f.chainlet) problems.push({ path: ['faults', i, 'chainlet'], allowed: 'nothing outside a chain (the scenario has one deployment)' });
    });
    if (problems.length > 0) throw new ScenarioError(formatProblems(problems, fmt));
    return null;
  }
  if (isRecord(own) && own.deployment !== undefined) {
    problems.push({ path: ['deployment'], found: '`deployment:` beside `chain:`', allowed: 'either `deployment:` (one deployment) or `chain:` (chainlets), not both' });
  }
  const r = parseChain(root.chain, ctx);
  problems.push(...r.problems);
  const names = r.chain?.chainlets.map((c) => c.name) ?? [];
  faults.forEach((f, i) => {
    if (!f.chainlet) problems.push({ path: ['faults', i], found: 'a fault without `chainlet:`', allowed: `a fault with chainlet: one of ${names.join(', ') || 'the chainlets'} (required in a chain)` });
    else if (r.chain && !names.includes(f.chainlet)) problems.push({ path: ['faults', i, 'chainlet'], allowed: `one of the chainlets: ${names.join(', ')}` });
  });
  if (problems.length > 0) throw new ScenarioError(formatProblems(problems, fmt));
  return { entrypoint: r.chain!.entrypoint, chainlets: r.chain!.chainlets.map((c) => ({ ...c, deployment: normalizeDeployment(c.deployment) })) };
}

function valueAtPath(data: unknown, path: (string | number)[]): unknown {
  let v = data;
  for (const seg of path) {
    if (!isRecord(v)) return undefined;
    v = v[String(seg)];
  }
  return v;
}
