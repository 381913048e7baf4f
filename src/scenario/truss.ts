/**
 * Reading a truss `config.yaml` (SPEC §13, `deployment.truss_config:`): the few keys that shape a
 * deployment in the simulator, read the way truss reads them, with the position of each in the
 * truss file so errors and provenance point at it.
 *
 * Followed: basetenlabs/truss commit 0bee989b9ec85ed9d29374ab4d7e2883e49de87e (truss 0.18.25),
 * `truss/base/truss_config.py` (`TrussConfig`, `Resources`, `AcceleratorSpec`, `Runtime`,
 * `HealthChecks`; last changed in 2bbe1d52e992bdd8737df605c82c919aefc6d581),
 * `truss/base/custom_types.py` (`ConfigModel`), `truss/util/yaml_utils.py`, and `truss push`
 * (`truss/cli/cli.py`, `truss/remote/baseten/remote.py`). What truss does, and so what this does:
 *
 * - YAML: truss uses PyYAML's SafeLoader, i.e. YAML 1.1 (`yes`/`on` are booleans, `010` is 8,
 *   `1_800` is 1800, `5:00` is 300). Parsed here as YAML 1.1 too. A duplicate key is a warning
 *   in truss ("will use the last entry"): the same here, the last one wins.
 * - An empty file is an empty config (all defaults). A top level that is not a mapping fails.
 * - Unknown keys: truss parses them (pydantic `extra="allow"`), but `truss push` refuses them
 *   (`validate_forbid_extra`: "Extra fields not allowed"). Here: accepted, ignored, and a
 *   warning, in the mappings this reads (top level, resources, runtime, runtime.health_checks).
 * - `model_name`: an optional string (a number or boolean is refused: pydantic does not turn
 *   them into strings).
 * - `resources`: a mapping when present (null is refused). `accelerator`: a string
 *   (`accelerators.ts` for its syntax), null (no GPU), or the mapping form
 *   `{accelerator: H100, count: 2}` (count ≥ 0; 0 is sent as no accelerator). `use_gpu` is
 *   dropped on input: truss derives it from `accelerator`, so `use_gpu: true` without an
 *   accelerator is a CPU instance (a warning says so). `instance_type`: a string; empty counts as
 *   unset; when set, `truss push` says "ignoring 'cpu', 'memory', 'accelerator', and 'use_gpu'".
 *   `cpu`, `memory`, `node_count`, `fabric` are not read.
 * - `runtime`: a mapping when present. `predict_concurrency`: an int, default 1, no bound in
 *   truss (the scenario schema checks ≥ 1). `num_workers` other than 1 fails (truss ≥ 0.9.49).
 *   `health_checks`: a mapping of four optional ints (null or absent = platform default), no
 *   bounds in truss (the platform's ranges are the scenario schema's job).
 * - Integers as pydantic's lax mode takes them: an int, a float without fraction (`30.0`), or a
 *   string of digits (`"30"`). Not taken here although pydantic would: booleans (true as 1).
 *
 * deploysim's own rules (SPEC §13): the instance is the accelerator's type × count; with
 * `instance_type` the instance is named by it and priced from `accelerator` when both are given;
 * no accelerator (and no instance_type) is CPU. `model_name` becomes the default scenario name,
 * each character a name does not allow (letters, digits, `-`, `_`, `.`) replaced by `-`.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document, Pair, YAMLMap } from 'yaml';
import { ACCELERATOR_PRICES, isTrussAccelerator, parseAccelerator, TRUSS_ACCELERATORS, type Accelerator } from './accelerators.js';
import { closest } from './suggest.js';

/** Largest truss config read (bytes). */
export const TRUSS_CONFIG_MAX_BYTES = 1024 * 1024;

export interface TrussHealthChecks {
  stop_traffic_threshold_seconds?: number;
  restart_threshold_seconds?: number;
  restart_check_delay_seconds?: number;
  startup_threshold_seconds?: number;
}

/** What the truss file says, in the scenario's terms (under `deployment`, plus the default `name`). */
export interface TrussValues {
  /** From `model_name`, made a valid name; absent when the file has none. */
  name?: string;
  /** Always set: a truss file without an accelerator means CPU. */
  instance: {
    type: string;
    count: number;
    /** Only when `instance_type` and a priced `accelerator` are both given: per-GPU price × count. */
    price_per_minute?: number;
  };
  runtime: {
    /** Absent when the file does not set it (truss's default, 1, is also the scenario's). */
    predict_concurrency?: number;
    /** Only the keys the file sets to a number; absent = platform default. */
    health_checks: TrussHealthChecks;
  };
}

/** Where a value came from in the truss file. */
export interface TrussOrigin {
  line: number;
  col: number;
  /** The truss key that decides the value, e.g. `resources.accelerator`. */
  key: string;
  /** True when that key is absent (or null) and the value is truss's default (CPU, 1 GPU). */
  defaulted: boolean;
}

export interface TrussConfigRead {
  /** The path as given (used in messages). */
  file: string;
  values: TrussValues;
  /** Value path (dotted, as in `values`: `instance.type`, `runtime.health_checks.restart_threshold_seconds`, `name`) → origin. */
  origins: Readonly<Record<string, TrussOrigin>>;
  /** The origin of the value at `path` (dotted or a list of keys), or null when the file did not give it. */
  positions(path: string | readonly string[]): TrussOrigin | null;
  /** Formatted `file:line:col key: ...` lines. */
  warnings: string[];
}

export class TrussError extends Error {
  /** One formatted line per problem: `file:line:col key.path: found X, allowed Y`. */
  readonly messages: string[];
  constructor(messages: string[]) {
    super(messages.join('\n'));
    this.name = 'TrussError';
    this.messages = messages;
  }
}

// truss's field names, for the unknown-key warnings.
const TOP_KEYS = [
  'model_name', 'model_metadata', 'description', 'examples_filename', 'data_dir', 'external_data', 'external_package_dirs',
  'python_version', 'base_image', 'requirements_file', 'requirements', 'system_packages', 'environment_variables', 'secrets',
  'resources', 'runtime', 'build', 'build_commands', 'docker_server', 'model_cache', 'weights', 'trt_llm', 'training_checkpoints',
  'bis_llm', 'input_type', 'model_framework', 'model_type', 'model_module_dir', 'model_class_filename', 'model_class_name',
  'bundled_packages_dir', 'use_local_src', 'cache_internal', 'live_reload', 'apply_library_patches', 'spec_version',
  'hf_cache', // legacy: truss renames it to model_cache before validation
] as const;
const RESOURCES_KEYS = ['cpu', 'memory', 'accelerator', 'instance_type', 'node_count', 'fabric', 'use_gpu'] as const;
const RUNTIME_KEYS = [
  'predict_concurrency', 'streaming_read_timeout', 'enable_tracing_data', 'enable_debug_logs', 'transport', 'is_websocket_endpoint',
  'health_checks', 'oidc', 'remote_ssh', 'egress_restrictions', 'truss_server_version_override',
] as const;
export const TRUSS_HEALTH_CHECK_KEYS = [
  'restart_check_delay_seconds',
  'restart_threshold_seconds',
  'stop_traffic_threshold_seconds',
  'startup_threshold_seconds',
] as const;
const ACCELERATOR_SPEC_KEYS = ['accelerator', 'count'] as const;

/** A name allows letters, digits, `-`, `_`, `.`; every other character (code point) becomes `-`. */
export function nameFromModelName(modelName: string): string {
  return Array.from(modelName, (ch) => (/^[A-Za-z0-9._-]$/.test(ch) ? ch : '-')).join('');
}

/**
 * Reads the truss config at `path` (a regular file of at most 1 MB, UTF-8). `label` is how the
 * file is named in messages (default: `path`). Throws TrussError.
 */
export function readTrussConfig(path: string, label: string = path): TrussConfigRead {
  const text = readBounded(path, label);
  return readTrussConfigText(text, label);
}

function readBounded(path: string, label: string): string {
  const fail = (why: string): never => {
    throw new TrussError([`${label}: cannot read the truss config: ${why}`]);
  };
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      // truss's own hint: a config.yml next to where config.yaml was expected.
      const yml = join(dirname(path), `${basename(path, extname(path))}.yml`);
      if (extname(path) === '.yaml' && existsSync(yml)) fail(`no such file, but found ${basename(yml)} next to it (truss reads only .yaml: rename it)`);
      fail('no such file');
    }
    fail(err.code === 'EACCES' ? 'permission denied' : err.message);
  }
  if (!st!.isFile()) fail(st!.isDirectory() ? 'a folder, not a file' : 'not a regular file');
  if (st!.size > TRUSS_CONFIG_MAX_BYTES) fail(`${st!.size} bytes, allowed at most ${TRUSS_CONFIG_MAX_BYTES} bytes (1 MB)`);
  let fd: number | undefined;
  let bytes: Buffer;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO after the stat, opening does not hang.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st2 = fstatSync(fd);
    if (!st2.isFile()) fail('not a regular file');
    const buf = Buffer.alloc(Math.min(st2.size, TRUSS_CONFIG_MAX_BYTES) + 1);
    let n = 0;
    while (n < buf.length) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    if (n > TRUSS_CONFIG_MAX_BYTES) fail(`more than ${TRUSS_CONFIG_MAX_BYTES} bytes (1 MB), allowed at most that`);
    bytes = buf.subarray(0, n);
  } catch (e) {
    if (e instanceof TrussError) throw e;
    fail((e as Error).message);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes!);
  } catch {
    throw new TrussError([`${label}:1:1 (top level): found binary data (not UTF-8 text), allowed a YAML text file`]);
  }
}

type Pos = { line: number; col: number };

/** Reads truss config text; `file` names it in messages. Throws TrussError. */
export function readTrussConfigText(text: string, file: string): TrussConfigRead {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const before = text.slice(0, nul).split('\n');
    throw new TrussError([`${file}:${before.length}:${before[before.length - 1]!.length + 1} (top level): found binary data (a NUL byte), allowed a YAML text file`]);
  }
  const lines = new LineCounter();
  // PyYAML (truss) reads YAML 1.1; duplicate keys are a warning there, the last one wins.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false, version: '1.1', merge: true });
  const yamlProblem = (e: { message: string; linePos?: [Pos] | [Pos, Pos]; pos: [number, number] }) => {
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    let message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    if (message.startsWith('Source contains multiple documents')) message = 'found more than one YAML document (a `---` line), allowed one (truss reads a single document)';
    return `${file}:${pos.line}:${pos.col} YAML syntax error: ${message}`;
  };
  if (doc.errors.length > 0) throw new TrussError(doc.errors.map(yamlProblem));
  const warnings: string[] = doc.warnings.map((w) => yamlProblem(w).replace(' YAML syntax error: ', ' YAML: '));

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new TrussError([`${file}:1:1 (top level): cannot read the document: ${(e as Error).message}`]);
  }

  const r = new Reader(file, doc, lines, warnings);
  return r.read(data ?? {});
}

class Reader {
  private readonly problems: { pos: Pos; line: string }[] = [];
  readonly origins: Record<string, TrussOrigin> = {};

  constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    readonly lines: LineCounter,
    readonly warnings: string[],
  ) {}

  read(data: unknown): TrussConfigRead {
    this.duplicateKeys();
    const values: TrussValues = { instance: { type: 'CPU', count: 1 }, runtime: { health_checks: {} } };
    if (!isRecord(data)) {
      this.error([], `found ${describe(data)}, allowed a mapping (a truss config.yaml)`);
      throw this.failure();
    }
    this.unknownKeys(data, [], TOP_KEYS, 'the top level');

    // model_name
    if (data.model_name !== undefined && data.model_name !== null) {
      if (typeof data.model_name !== 'string') {
        this.error(['model_name'], `found ${describe(data.model_name)}, allowed a string (truss does not turn other values into a name: quote it)`);
      } else {
        const name = nameFromModelName(data.model_name);
        if (name === '') {
          this.warn(['model_name'], 'found an empty model_name: the scenario name is not taken from it');
        } else {
          values.name = name;
          this.origin('name', ['model_name']);
        }
      }
    }

    this.resources(data, values);
    this.runtime(data, values);

    if (this.problems.length > 0) throw this.failure();
    const origins = this.origins;
    return {
      file: this.file,
      values,
      origins,
      positions: (path) => origins[typeof path === 'string' ? path : path.join('.')] ?? null,
      warnings: this.warnings,
    };
  }

  private resources(data: Record<string, unknown>, values: TrussValues): void {
    const cpuDefault = () => {
      this.origin('instance.type', ['resources', 'accelerator'], true);
      this.origin('instance.count', ['resources', 'accelerator'], true);
    };
    if (!('resources' in data)) return cpuDefault();
    const res = data.resources;
    if (!isRecord(res)) {
      this.error(['resources'], `found ${describe(res)}, allowed a mapping (accelerator, instance_type, cpu, memory, ...); leave resources out for a CPU instance`);
      return;
    }
    this.unknownKeys(res, ['resources'], RESOURCES_KEYS, '`resources`');

    // accelerator
    let acc: { type: string; count: number } | null = null;
    const a = res.accelerator;
    const aPath = ['resources', 'accelerator'];
    if (typeof a === 'string') {
      const p = parseAccelerator(a);
      if ('error' in p) this.error(aPath, p.error);
      else {
        acc = { type: p.type, count: p.count };
        if (p.warning) this.warn(aPath, p.warning);
      }
    } else if (isRecord(a)) {
      acc = this.acceleratorMapping(a, aPath);
    } else if (a !== undefined && a !== null) {
      this.error(aPath, `found ${describe(a)}, allowed an accelerator as a string ("H100", "H100:2"), null (CPU), or {accelerator: H100, count: 2}`);
    }

    // instance_type: a string; "" is unset (truss: `if not self.instance_type`).
    let instanceType: string | null = null;
    const it = res.instance_type;
    if (typeof it === 'string') {
      if (it !== '') instanceType = it;
    } else if (it !== undefined && it !== null) {
      this.error(['resources', 'instance_type'], `found ${describe(it)}, allowed a string (an instance type name, e.g. "H100")`);
    }

    // use_gpu: dropped by truss on input; derived from accelerator.
    if (res.use_gpu === true && acc === null && instanceType === null && this.problems.length === 0) {
      this.warn(['resources', 'use_gpu'], 'found use_gpu: true without an accelerator: truss ignores use_gpu (it follows `accelerator`), so this is a CPU instance; set `accelerator:` for a GPU');
    } else if (res.use_gpu === false && acc !== null) {
      this.warn(['resources', 'use_gpu'], `found use_gpu: false with accelerator ${acc.type}: truss ignores use_gpu (it follows \`accelerator\`), so the instance has ${acc.count} ${acc.type}`);
    }
    if (typeof res.node_count === 'number' && res.node_count > 1) {
      this.warn(['resources', 'node_count'], `found node_count: ${res.node_count}: deploysim simulates and prices one node per replica`);
    }

    if (instanceType !== null) {
      values.instance = { type: instanceType, count: acc?.count ?? 1 };
      this.origin('instance.type', ['resources', 'instance_type']);
      if (acc !== null) {
        this.origin('instance.count', aPath);
        const unit = ACCELERATOR_PRICES[acc.type as Accelerator];
        const priced = unit === undefined ? 'has no known price, so the price must come from the scenario' : `is priced ${acc.count} × ${unit} $/min`;
        if (unit !== undefined) {
          values.instance.price_per_minute = unit * acc.count;
          this.origin('instance.price_per_minute', aPath);
        }
        this.warn(
          ['resources', 'instance_type'],
          `found both instance_type "${instanceType}" and accelerator ${acc.type}:${acc.count}: truss push ignores accelerator, cpu and memory when instance_type is set; deploysim names the instance "${instanceType}" and it ${priced} from accelerator`,
        );
      } else {
        this.origin('instance.count', ['resources', 'instance_type']);
      }
    } else if (acc !== null) {
      values.instance = { type: acc.type, count: acc.count };
      this.origin('instance.type', aPath);
      this.origin('instance.count', aPath);
    } else {
      cpuDefault();
    }
  }

  /** `accelerator: {accelerator: H100, count: 2}`: truss's AcceleratorSpec as a mapping. */
  private acceleratorMapping(a: Record<string, unknown>, path: string[]): { type: string; count: number } | null {
    this.unknownKeys(a, path, ACCELERATOR_SPEC_KEYS, '`resources.accelerator`');
    let type: string | null = null;
    const t = a.accelerator;
    if (typeof t === 'string' && isTrussAccelerator(t)) type = t;
    else if (t !== undefined && t !== null) {
      this.error([...path, 'accelerator'], `found ${describe(t)}, allowed one of ${TRUSS_ACCELERATORS.join(', ')} (truss's Accelerator names, case-sensitive, no count here), or null`);
      return null;
    }
    let count = 1;
    if (a.count !== undefined) {
      const c = toInt(a.count);
      if (c === null || c < 0) {
        this.error([...path, 'count'], `found ${describe(a.count)}, allowed an integer ≥ 0`);
        return null;
      }
      count = c;
    }
    if (type === null) return null;
    if (count === 0) {
      this.warn([...path, 'count'], `found count: 0: truss sends no accelerator for a count of 0, so this is a CPU instance`);
      return null;
    }
    return { type, count };
  }

  private runtime(data: Record<string, unknown>, values: TrussValues): void {
    if (!('runtime' in data)) return;
    const rt = data.runtime;
    if (!isRecord(rt)) {
      this.error(['runtime'], `found ${describe(rt)}, allowed a mapping (predict_concurrency, health_checks, ...); leave runtime out for the defaults`);
      return;
    }
    this.unknownKeys(rt, ['runtime'], RUNTIME_KEYS, '`runtime`');
    if ('num_workers' in rt && rt.num_workers !== 1) {
      this.error(['runtime', 'num_workers'], `found ${describe(rt.num_workers)}, allowed 1 (truss: "After truss 0.9.49 only 1 worker per server is allowed"; use predict_concurrency)`);
    }
    if ('predict_concurrency' in rt) {
      const v = toInt(rt.predict_concurrency);
      if (v === null) this.error(['runtime', 'predict_concurrency'], `found ${describe(rt.predict_concurrency)}, allowed an integer (truss's default is 1)`);
      else {
        values.runtime.predict_concurrency = v;
        this.origin('runtime.predict_concurrency', ['runtime', 'predict_concurrency']);
      }
    }
    if ('health_checks' in rt) {
      const hc = rt.health_checks;
      const hcPath = ['runtime', 'health_checks'];
      if (!isRecord(hc)) {
        this.error(hcPath, `found ${describe(hc)}, allowed a mapping with ${TRUSS_HEALTH_CHECK_KEYS.join(', ')} (each optional)`);
        return;
      }
      this.unknownKeys(hc, hcPath, TRUSS_HEALTH_CHECK_KEYS, '`runtime.health_checks`');
      for (const key of TRUSS_HEALTH_CHECK_KEYS) {
        const raw = hc[key];
        if (raw === undefined || raw === null) continue; // platform default
        const v = toInt(raw);
        if (v === null) {
          this.error([...hcPath, key], `found ${describe(raw)}, allowed an integer number of seconds, or null for the platform default`);
        } else {
          values.runtime.health_checks[key] = v;
          this.origin(`runtime.health_checks.${key}`, [...hcPath, key]);
        }
      }
    }
  }

  // --- positions and messages ---------------------------------------------------------------

  /**
   * Where a truss key path is written: `value` is the value's position (the key's when the value
   * is empty), `key` the key's. When the path is not in the file, both are the deepest mapping's
   * on the way. Aliases are resolved; of duplicate keys the last counts.
   */
  private locate(path: readonly string[]): { value: Pos; key: Pos; found: boolean } {
    let node: unknown = this.deref(this.doc.contents);
    let here: Pos = this.posOf(node) ?? { line: 1, col: 1 };
    let key = here;
    for (const seg of path) {
      if (!isMap(node)) return { value: here, key: here, found: false };
      const pair = lastPair(node, seg);
      if (!pair) return { value: here, key: here, found: false };
      const value = this.deref(pair.value);
      key = this.posOf(pair.key) ?? here;
      here = this.posOf(value) ?? key;
      node = value;
    }
    return { value: here, key, found: true };
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  private posOf(node: unknown): Pos | null {
    return isNode(node) && node.range ? this.lines.linePos(node.range[0]) : null;
  }

  private origin(valuePath: string, trussPath: string[], defaulted = false): void {
    const pos = this.locate(trussPath).value;
    this.origins[valuePath] = { line: pos.line, col: pos.col, key: trussPath.join('.'), defaulted };
  }

  private error(path: readonly string[], message: string): void {
    const pos = this.locate(path).value;
    this.problems.push({ pos, line: `${this.file}:${pos.line}:${pos.col} ${path.length === 0 ? '(top level)' : path.join('.')}: ${message}` });
  }

  /** All problems found, in file order. */
  private failure(): TrussError {
    const sorted = [...this.problems].sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
    return new TrussError(sorted.map((p) => p.line));
  }

  private warn(path: readonly string[], message: string, at: Pos = this.locate(path).value): void {
    this.warnings.push(`${this.file}:${at.line}:${at.col} ${path.length === 0 ? '(top level)' : path.join('.')}: ${message}`);
  }

  private unknownKeys(map: Record<string, unknown>, path: string[], known: readonly string[], where: string): void {
    for (const key of Object.keys(map)) {
      if (known.includes(key)) continue;
      const near = closest(key, known);
      const hint = near ? ` (did you mean ${near}?)` : '';
      this.warn(
        [...path, key],
        `found an unknown key in ${where}${hint}: ignored here; truss reads it but \`truss push\` refuses it ("Extra fields not allowed")`,
        this.locate([...path, key]).key,
      );
    }
  }

  /** truss warns about a repeated key and uses the last one; so does this. */
  private duplicateKeys(): void {
    visit(this.doc, {
      Map: (_, map) => {
        const seen = new Set<string>();
        for (const pair of map.items) {
          if (!isScalar(pair.key)) continue;
          const k = String(pair.key.value);
          if (seen.has(k)) {
            const p = this.posOf(pair.key) ?? { line: 1, col: 1 };
            this.warnings.push(`${this.file}:${p.line}:${p.col} ${k}: found a duplicate key: truss warns and uses the last entry (this one)`);
          }
          seen.add(k);
        }
      },
    });
  }
}

/** The last pair of `map` whose key is the string `key` (truss, like PyYAML, keeps the last duplicate). */
function lastPair(map: YAMLMap, key: string): Pair | undefined {
  for (let i = map.items.length - 1; i >= 0; i--) {
    const p = map.items[i]!;
    if (isScalar(p.key) && p.key.value === key) return p;
  }
  return undefined;
}

/** An int as pydantic's lax mode takes it (int, float without fraction, string of digits); null otherwise. Not booleans. */
function toInt(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v === 'string' && /^\s*[+-]?[0-9]+\s*$/.test(v)) {
    const n = Number(v.trim());
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return `a date (${v.toISOString().slice(0, 10)})`;
  if (Array.isArray(v)) return 'a list';
  if (isSeq(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}
