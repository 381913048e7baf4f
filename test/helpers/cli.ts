import { main } from '../../src/cli/index.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Run the CLI in-process, capturing its streams. */
export async function cli(...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'deploysim', ...args], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    errRaw: (t) => err.push(t),
    exit: () => undefined,
    isTTY: false,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
