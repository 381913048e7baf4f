/**
 * Never lose a user's file (SPEC §9). Every folder deploysim makes (a run, a sweep, a merge)
 * carries a marker file listing the files deploysim wrote there. An existing `--out` is
 * replaced only when it is empty or marked; anything else is refused before any work, unless
 * `--force`, and even then only deploysim's own files are deleted: the marker's list, or, in
 * a folder with no marker, the names deploysim writes for that kind of folder.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const MARKER_FILE = '.deploysim';

export type FolderKind = 'run' | 'sweep' | 'shard' | 'merge' | 'check';

export interface Marker {
  written_by: 'deploysim';
  kind: FolderKind;
  /** Names (relative to the folder) of the files and folders deploysim wrote there. */
  files: string[];
}

/** The `--out` cannot be used: exit 2, nothing was written. */
export class OutputRefused extends Error {
  override name = 'OutputRefused';
}

export function writeMarker(dir: string, kind: FolderKind, files: readonly string[]): void {
  const marker: Marker = { written_by: 'deploysim', kind, files: [...new Set(files)].filter((f) => f !== MARKER_FILE).sort() };
  // pid alone is not unique across containers sharing a volume (every pod may be pid 1).
  const tmp = path.join(dir, `${MARKER_FILE}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.writeFileSync(tmp, JSON.stringify(marker, null, 2) + '\n');
  fs.renameSync(tmp, path.join(dir, MARKER_FILE));
}

/**
 * Rewrite the marker of a folder deploysim writes in place (a sweep, a shard): the listed files
 * plus `add`, minus `remove`. List a file before writing it, so a file of ours is never unlisted.
 */
export function updateMarker(dir: string, kind: FolderKind, add: readonly string[], remove: readonly string[] = []): void {
  const listed = readMarker(dir)?.files ?? [];
  const gone = new Set(remove);
  writeMarker(dir, kind, [...listed, ...add].filter((f) => !gone.has(f)));
}

/** The folder's marker, or null when it has none (or one deploysim could not have written). */
export function readMarker(dir: string): Marker | null {
  let raw: unknown;
  try {
    const file = path.join(dir, MARKER_FILE);
    if (!fs.lstatSync(file).isFile()) return null;
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Partial<Marker>;
  const kinds: readonly unknown[] = ['run', 'sweep', 'shard', 'merge', 'check'];
  if (m.written_by !== 'deploysim' || !kinds.includes(m.kind) || !Array.isArray(m.files)) return null;
  // A listed name must stay inside the folder: a forged marker cannot point at ../anything.
  if (!m.files.every((f) => typeof f === 'string' && f !== '' && f !== '.' && f !== '..' && !f.includes('/') && !f.includes('\\'))) return null;
  return { written_by: 'deploysim', kind: m.kind!, files: m.files as string[] };
}

export interface OutPlan {
  /** The absolute target. */
  dir: string;
  /** What is there now. */
  existing: 'none' | 'empty' | 'marked' | 'forced';
  /** Entries of the existing folder that deploysim will delete when it replaces it (its own files). */
  ours: string[];
  /** Entries that are not deploysim's and stay where they are (only with --force or in a marked folder). */
  kept: string[];
}

export interface PlanOptions {
  kind: FolderKind;
  /** Kinds of marked folder this one may replace (default: its own kind). */
  replaces?: readonly FolderKind[];
  force: boolean;
  /** The names deploysim writes in such a folder: with --force, the only names it deletes in an unmarked one. */
  ownNames: readonly string[];
  /** Files the command reads (the scenario): `--out` may not be, or hold, any of them. */
  inputs?: readonly string[];
  /** Folders the command reads (merge's shards): `--out` may not be, hold, or be inside any of them. */
  inputFolders?: readonly string[];
  /** The option's name in messages. */
  option?: string;
  cwd?: string;
  home?: string;
}

/** Resolve symbolic links of the part of `p` that exists, so `a/link/..` and `a/sub/..` compare as the folder they are. */
function realish(p: string): string {
  const abs = path.resolve(p);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(head), ...tail.reverse());
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return abs;
      tail.push(path.basename(head));
      head = parent;
    }
  }
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** `a` is `b` or one of its ancestors. */
function sameOrAncestor(a: string, b: string): boolean {
  const rel = path.relative(a, b);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function listing(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

/**
 * Decide whether `out` may receive a folder of `kind`, before any work is done. Throws
 * OutputRefused with a message naming the path and what is there.
 */
export function planOutFolder(out: string, opts: PlanOptions): OutPlan {
  const option = opts.option ?? '--out';
  const dir = realish(out);
  const shown = out === dir ? out : `${out} (${dir})`;
  const refuse = (why: string) => new OutputRefused(`${option} ${shown}: ${why}; nothing was written`);
  // A link is refused whatever it points to (an empty folder, a folder deploysim wrote): the folder
  // replaced would not be the path the user gave. `dir` has its links resolved; the path as given
  // is looked at here.
  if (isLink(path.resolve(out))) throw refuse('is a symbolic link; give the folder it points to');

  if (path.parse(dir).root === dir) throw refuse('is the root folder, which deploysim never replaces');
  const home = realish(opts.home ?? os.homedir());
  if (dir === home) throw refuse('is your home folder, which deploysim never replaces');
  const cwd = realish(opts.cwd ?? process.cwd());
  if (sameOrAncestor(dir, cwd)) throw refuse(dir === cwd ? 'is the working folder, which deploysim never replaces' : 'holds the working folder, which deploysim never replaces');
  for (const input of opts.inputs ?? []) {
    if (sameOrAncestor(dir, realish(input))) throw refuse(`holds ${input}, which this command reads`);
  }
  for (const folder of opts.inputFolders ?? []) {
    const real = realish(folder);
    if (dir === real) throw refuse(`is ${folder}, which this command reads`);
    if (sameOrAncestor(dir, real)) throw refuse(`holds ${folder}, which this command reads`);
    if (sameOrAncestor(real, dir)) throw refuse(`is inside ${folder}, which this command reads`);
  }

  let stat: fs.Stats | null = null;
  try {
    stat = fs.lstatSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw refuse(`cannot be read (${(e as Error).message})`);
  }
  if (stat === null) {
    assertCreatable(dir, refuse);
    return { dir, existing: 'none', ours: [], kept: [] };
  }
  if (stat.isSymbolicLink()) throw refuse('is a symbolic link; give the folder it points to');
  if (!stat.isDirectory()) throw refuse('is a file, not a folder deploysim wrote (deploysim replaces only its own folders); choose another path');
  assertWritable(dir, refuse);
  assertWritable(path.dirname(dir), refuse);

  const entries = fs.readdirSync(dir).sort();
  if (entries.length === 0) return { dir, existing: 'empty', ours: [], kept: [] };
  const marker = readMarker(dir);
  const replaces = opts.replaces ?? [opts.kind];
  if (marker !== null && (replaces.includes(marker.kind) || opts.force)) {
    const listed = new Set([...marker.files, MARKER_FILE]);
    return { dir, existing: 'marked', ours: entries.filter((e) => listed.has(e)), kept: entries.filter((e) => !listed.has(e)) };
  }
  if (marker !== null) {
    throw refuse(`is a deploysim ${marker.kind} folder, not a ${opts.kind} folder; choose another path, or pass --force to replace deploysim's files in it`);
  }
  const own = new Set(opts.ownNames);
  const ours = entries.filter((e) => own.has(e) && !isDirectory(path.join(dir, e)));
  if (!opts.force) {
    // Say which of the user's files --force would overwrite: they are named like ours, but are not ours.
    const replaced = ours.length === 0 ? 'it replaces none of them' : `it would REPLACE ${listing(ours)}, which you may want to keep`;
    throw refuse(
      `exists and holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} deploysim did not write (${listing(entries)}); ` +
        `choose another path, or pass --force to write into it (only files named like deploysim's outputs are replaced: ${replaced}; nothing else is touched)`,
    );
  }
  return { dir, existing: 'forced', ours, kept: entries.filter((e) => !ours.includes(e)) };
}

function isDirectory(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function assertWritable(dir: string, refuse: (why: string) => OutputRefused): void {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw refuse(`${dir} is not writable`);
  }
}

/** The nearest existing ancestor must be a writable folder (a file on the way is an error now, not after the run). */
function assertCreatable(dir: string, refuse: (why: string) => OutputRefused): void {
  let p = path.dirname(dir);
  for (;;) {
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw refuse(`cannot be created: a file stands on the way`);
      if (code !== 'ENOENT') throw refuse(`cannot be created (${(e as Error).message})`);
    }
    if (st !== null) {
      if (!st.isDirectory()) throw refuse(`cannot be created: ${p} is a file`);
      assertWritable(p, refuse);
      return;
    }
    const parent = path.dirname(p);
    if (parent === p) return;
    p = parent;
  }
}

/**
 * Put the finished folder `tmp` at `plan.dir`. A marked folder holding only deploysim's files is
 * swapped whole (rename aside, rename in, delete the old one's listed files); anywhere else the
 * old own files are deleted one by one and the new ones moved in, the marker last, so a folder
 * whose marker lists a file always holds that whole file. Nothing but `plan.ours` is deleted.
 */
export function installFolder(tmp: string, plan: OutPlan, kind: FolderKind): void {
  const files = fs.readdirSync(tmp).filter((f) => f !== MARKER_FILE);
  if (plan.existing === 'none') {
    fs.mkdirSync(path.dirname(plan.dir), { recursive: true });
    writeMarker(tmp, kind, files);
    fs.renameSync(tmp, plan.dir);
    return;
  }
  if (plan.existing === 'empty' || (plan.existing === 'marked' && plan.kept.length === 0 && stillOnly(plan))) {
    writeMarker(tmp, kind, files);
    const aside = `${tmp}-old`;
    if (plan.existing === 'empty') fs.rmdirSync(plan.dir);
    else fs.renameSync(plan.dir, aside);
    fs.renameSync(tmp, plan.dir);
    if (plan.existing === 'marked') removeOwn(aside, plan.ours, false);
    // Left in place only if someone added a file to the old folder meanwhile: theirs, not ours to delete.
    if (plan.existing === 'marked' && fs.readdirSync(aside).length === 0) fs.rmdirSync(aside);
    return;
  }
  // Files of the user stay: delete ours, then move the new ones in, the marker last.
  removeOwn(plan.dir, plan.ours, false);
  for (const f of files) fs.renameSync(path.join(tmp, f), path.join(plan.dir, f));
  writeMarker(plan.dir, kind, [...files]);
  fs.rmSync(path.join(tmp, MARKER_FILE), { force: true });
  fs.rmdirSync(tmp);
}

/** The folder still holds exactly what was planned (nobody added a file since). */
function stillOnly(plan: OutPlan): boolean {
  const now = fs.readdirSync(plan.dir).sort();
  return now.length === plan.ours.length && now.every((e, i) => e === plan.ours[i]);
}

function removeOwn(dir: string, names: readonly string[], thenFolder: boolean): void {
  for (const name of names) removeEntry(path.join(dir, name));
  if (thenFolder) fs.rmdirSync(dir);
}

/** A file goes; a folder goes only as far as its own marker vouches for it (never a blind recursive delete). */
function removeEntry(p: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return;
  }
  if (!st.isDirectory()) {
    fs.unlinkSync(p);
    return;
  }
  const marker = readMarker(p);
  if (marker === null) return;
  for (const f of marker.files) removeEntry(path.join(p, f));
  fs.rmSync(path.join(p, MARKER_FILE), { force: true });
  if (fs.readdirSync(p).length === 0) fs.rmdirSync(p);
}
