/**
 * `deploysim init --from config.yaml [--autoscaling settings.json] [--out FILE]` (SPEC §13):
 * writes a commented starting scenario for the truss config you deploy with. The deployment comes
 * from the truss file (`deployment.truss_config:`) and, when given, the autoscaling settings as the
 * platform's API returns them; what truss does not know (traffic, startup and service times) is
 * a placeholder marked `# GUESS`. The file is validated as it will be written, before anything is
 * written, and an existing file is never overwritten.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document } from 'yaml';
import { FAULT_KINDS, type Config } from '../model/config.js';
import { distMean } from '../model/distributions.js';
import { loadScenarioText, ScenarioError } from '../scenario/load.js';
import { FileRefusal, readBoundedFile } from '../scenario/read-file.js';
import { nameFromModelName, readTrussConfig, TrussError } from '../scenario/truss.js';

export const GUESS = '# GUESS: replace with your own measurement';

/** The settings JSON: the API's object is small; 1 MB is far beyond it. */
const SETTINGS_MAX_BYTES = 1024 * 1024;

export class InitRefusal extends Error {}

export interface InitOptions {
  /** The truss config.yaml, as given (used in messages). */
  from: string;
  /** The autoscaling settings JSON file, as given. */
  autoscaling?: string;
  /** Where the scenario goes; default `<model_name>.yaml` in `cwd`. */
  out?: string;
  cwd?: string;
}

function posix(p: string): string {
  return p.split(sep).join('/');
}

/** The API's autoscaling settings, parsed (bare or wrapped, as written: the scenario loader judges them). */
function readSettings(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readBoundedFile(file, SETTINGS_MAX_BYTES).toString('utf8');
  } catch (e) {
    const why = e instanceof FileRefusal ? e.message : (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new InitRefusal(`${file}: cannot read the autoscaling settings: ${why}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InitRefusal(`${file}: found text that is not JSON (${(e as Error).message}), allowed the platform API's autoscaling_settings object as JSON`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InitRefusal(`${file}: found ${Array.isArray(data) ? 'a list' : JSON.stringify(data)}, allowed the platform API's autoscaling_settings object ({"min_replica": ..., ...} or {"autoscaling_settings": {...}})`);
  }
  return data as Record<string, unknown>;
}

/** A mapping as block YAML, indented to sit under a key at `indent` spaces. */
function block(value: Record<string, unknown>, indent: number): string {
  const text = new Document(value).toString({ lineWidth: 0 }).trimEnd();
  return text
    .split('\n')
    .map((l) => ' '.repeat(indent) + l)
    .join('\n');
}

/** The path of the JSON Schema shipped with deploysim, when it is there. */
function schemaFile(): string | null {
  const p = fileURLToPath(new URL('../../schema/scenario.schema.json', import.meta.url));
  return existsSync(p) ? p : null;
}

/** The scenario text and where it goes. Throws InitRefusal (bad input: exit 2). */
export function initScenario(o: InitOptions): { file: string; text: string; warnings: string[] } {
  const cwd = o.cwd ?? process.cwd();
  let truss;
  try {
    truss = readTrussConfig(resolve(cwd, o.from), o.from);
  } catch (e) {
    if (e instanceof TrussError) throw new InitRefusal(e.messages.join('\n'));
    throw e;
  }
  const settings = o.autoscaling !== undefined ? readSettings(resolve(cwd, o.autoscaling)) : null;
  const folderName = nameFromModelName(basename(dirname(resolve(cwd, o.from))));
  const name = truss.values.name ?? (folderName !== '' && folderName !== '.' && folderName !== '..' ? folderName : 'scenario');
  const file = o.out ?? `${name}.yaml`;
  const abs = resolve(cwd, file);
  if (existsSync(abs)) throw new InitRefusal(`${file}: already exists; init never overwrites a file: remove it or give another --out`);

  const trussRel = posix(relative(dirname(abs), resolve(cwd, o.from)));
  const schema = schemaFile();
  const v = truss.values;
  const hc = Object.entries(v.runtime.health_checks).map(([k, n]) => `${k} ${n}`);
  const textFor = (rate: number) => [
    ...(schema ? [`# yaml-language-server: $schema=${posix(relative(dirname(abs), schema))}`] : []),
    `# A starting scenario for ${v.name ?? name}, written by \`deploysim init --from ${o.from}\`.`,
    `# Every key is described in deploysim's docs/scenario.md. The lines marked GUESS are placeholders:`,
    `# measure them on your deployment (logs, metrics) and replace them before trusting a result.`,
    `# Then: deploysim run ${file}`,
    `name: ${name}`,
    `description: ${JSON.stringify(`${v.name ?? name} on ${v.instance.type}${v.instance.count > 1 ? ` × ${v.instance.count}` : ''}, from its truss config`)}`,
    'seed: 1',
    'duration: 1h',
    'platform: baseten-2026',
    'deployment:',
    `  # From the truss file: instance ${v.instance.type}${v.instance.count > 1 ? `:${v.instance.count}` : ''}, predict_concurrency ${v.runtime.predict_concurrency ?? '1 (default)'}, health checks ${hc.length > 0 ? hc.join(', ') : 'the platform defaults'}.`,
    `  # A key written here wins over the file's, leaf by leaf.`,
    `  truss_config: ${JSON.stringify(trussRel)}`,
    ...(settings
      ? [`  # From ${o.autoscaling}: the platform API's autoscaling settings (null = the platform default).`, '  autoscaling:', block(settings, 4)]
      : [
          '  # No --autoscaling given: the platform defaults (min_replica 0, max_replica 1, concurrency_target 1,',
          '  # autoscaling_window 60s, scale_down_delay 900s). Paste your deployment\'s autoscaling_settings here.',
        ]),
    '  initial_state: cold',
    `  startup:                               ${GUESS}`,
    `    schedule: 30s                        ${GUESS}`,
    `    image_pull: { dist: lognormal, median: 1m, p99: 3m }   ${GUESS}`,
    `    load: { dist: uniform, min: 2m, max: 4m }              ${GUESS}`,
    `  service_time: { dist: lognormal, median: 1s, p99: 5s }   ${GUESS}`,
    `traffic:                                 ${GUESS}`,
    `  - { kind: poisson, rate: ${rate} }${' '.repeat(Math.max(1, 11 - String(rate).length))}${GUESS}`,
    '# Health-check settings only matter when something fails: uncomment a fault to see what yours do',
    `# (kinds: ${FAULT_KINDS.join(', ')}; see docs/scenario.md).`,
    '# faults:',
    '#   - { kind: cuda_error, at: 20m, replica: 0 }    # from 20 min, replica 0 fails every request and check',
    '',
  ].join('\n');

  // Validated as it will be written (relative paths from its folder), before anything is written.
  const validate = (text: string) => {
    try {
      return loadScenarioText(text, abs);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      const reasons = e.messages.map((m) => m.split(abs).join(file));
      throw new InitRefusal([`${file}: not written: the scenario would not be valid:`, ...reasons].join('\n'));
    }
  };
  let text = textFor(1);
  let loaded = validate(text);
  // The guessed traffic must fit what the deployment can serve, or the first run only shows an overload.
  const rate = guessRate(loaded.config);
  if (rate !== 1) loaded = validate((text = textFor(rate)));
  return { file, text, warnings: loaded.warnings.map((w) => w.split(abs).join(file)) };
}

/**
 * A placeholder rate the deployment serves at about half its capacity (max_replica replicas, each
 * sent min(concurrency_target, predict_concurrency) requests at once, at the guessed mean service
 * time), capped at 1 req/s and written with one significant digit.
 */
export function guessRate(c: Config): number {
  const d = c.deployment;
  const capacity = (d.autoscaling.max_replica * Math.min(d.autoscaling.concurrency_target, d.runtime.predict_concurrency)) / distMean(d.service_time);
  const half = capacity / 2;
  if (!(half < 1)) return 1;
  const p = 10 ** Math.floor(Math.log10(half));
  return Number((Math.floor(half / p) * p).toPrecision(1));
}
