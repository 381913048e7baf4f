/**
 * `--shard i/n`: this process runs only the runs k with k mod n = i − 1 of the deterministic run
 * list (1-based i, like a human counts shards). `--shard auto/n` takes i from the Kubernetes
 * Indexed Job's JOB_COMPLETION_INDEX (0-based) + 1. We read the variable only when asked by
 * `auto`: a stray JOB_COMPLETION_INDEX must not silently turn a whole sweep into a shard.
 */
export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const m = /^\s*(auto|\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`--shard ${text}: expected i/n (e.g. 2/4) or auto/n`);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`--shard ${text}: n = ${m[2]}, must be an integer ≥ 1`);
  let index: number;
  if (m[1] === 'auto') {
    const raw = env.JOB_COMPLETION_INDEX;
    if (raw === undefined || !/^\d+$/.test(raw.trim())) {
      throw new Error(`--shard ${text}: auto needs JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job), found ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`);
    }
    index = Number(raw.trim()) + 1;
    if (index > count) throw new Error(`--shard ${text}: JOB_COMPLETION_INDEX = ${raw.trim()}, allowed 0–${count - 1}`);
  } else {
    index = Number(m[1]);
    if (index < 1 || index > count) throw new Error(`--shard ${text}: i = ${m[1]}, allowed 1–${count}`);
  }
  return { index, count };
}

export function inShard(k: number, shard: Shard | null): boolean {
  return shard === null || k % shard.count === shard.index - 1;
}

/** The folder a shard writes into, under the sweep's --out: every shard of a Job can share one --out. */
export function shardDirName(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.count}`;
}
