import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/index.js';
import { captureIo, cli } from './helpers/cli.js';

/**
 * The CLI's shape (issue 11): one file per command, src/cli/<name>-command.ts, exporting one
 * `register…(program, io)`; index.ts registers exactly those, from one list.
 */
const dir = path.resolve(import.meta.dirname, '../src/cli');
const NAMES = ['run', 'validate', 'report', 'sweep', 'compare', 'merge', 'check', 'init'];

async function commandFiles(): Promise<{ name: string; registers: [string, unknown][] }[]> {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('-command.ts')).sort();
  return Promise.all(
    files.map(async (f) => {
      const mod = (await import(path.join(dir, f))) as Record<string, unknown>;
      return { name: f.replace(/-command\.ts$/, ''), registers: Object.entries(mod).filter(([k]) => k.startsWith('register')) };
    }),
  );
}

describe('deploysim commands', () => {
  it('each <name>-command.ts exports one register function of (program, io) that adds the command <name> alone', async () => {
    const files = await commandFiles();
    expect(files.map((f) => f.name).sort()).toEqual([...NAMES].sort());
    for (const { name, registers } of files) {
      expect(registers.map(([k]) => k), name).toHaveLength(1);
      const register = registers[0]![1] as (program: Command, io: unknown) => void;
      expect(register.length, name).toBe(2);
      const program = new Command('deploysim');
      register(program, captureIo().io);
      expect(program.commands.map((c) => c.name())).toEqual([name]);
    }
  });

  it('index.ts registers exactly the command files\' functions, each once', async () => {
    const registers = (await commandFiles()).map((f) => f.registers[0]![1]);
    expect(COMMANDS).toHaveLength(registers.length);
    expect(new Set(COMMANDS)).toEqual(new Set(registers));
  });

  it('deploysim --help lists run, validate, report, sweep, compare, merge, check and init, exit 0', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    const listed = [...r.out.matchAll(/^ {2}(\w+)\b/gm)].map((m) => m[1]).filter((n) => n !== 'help');
    expect(listed).toEqual(NAMES);
  });
});
