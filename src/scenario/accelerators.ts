/**
 * Accelerators (GPU types) and their prices, and truss's `resources.accelerator` syntax.
 *
 * Followed: truss `truss/base/truss_config.py` (`Accelerator`, `AcceleratorSpec._from_string_spec`)
 * at basetenlabs/truss commit 0bee989b9ec85ed9d29374ab4d7e2883e49de87e (truss 0.18.25; the file last
 * changed in 2bbe1d52e992bdd8737df605c82c919aefc6d581).
 *
 * What truss does with `accelerator: "<text>"`, and so what `parseAccelerator` does:
 * - the whole text is stripped of surrounding whitespace, then split at `:`;
 * - the name must be exactly a member of truss's `Accelerator` enum: case-sensitive (`h100` is
 *   refused), no inner whitespace (`H100 :2` is refused), empty is refused;
 * - a count, when written (`H100:2`), must be digits and ≥ 1 (`H100:0`, `H100:`, `H100:-1`,
 *   `H100:x` are refused); `H100:02` is 2;
 * - more than one `:` (`H100:2:4`): truss reads only the name and uses count 1 without a word.
 *   Here the same result, with a warning, because the file almost certainly meant something else.
 * - `H100MIG` and `CPU` are deploysim instance types but not truss accelerators: truss refuses
 *   `accelerator: H100MIG` (and `CPU`); CPU is written `accelerator: null` or no accelerator.
 */
import { closest } from './suggest.js';

/** truss's `Accelerator` enum values, in its order (`_B10` is the member for "B10"). */
export const TRUSS_ACCELERATORS = [
  'B10',
  'T4',
  'L4',
  'A10G',
  'V100',
  'A100',
  'A100_40GB',
  'H100',
  'H200',
  'H100_40GB',
  'B200',
  'L40S',
  'RTX_PRO_6000',
  'B300',
  'GB300',
] as const;
export type TrussAccelerator = (typeof TRUSS_ACCELERATORS)[number];

/** Every instance type a scenario may name (spec §13): truss's accelerators plus H100MIG and CPU. */
export const ACCELERATORS = [
  'T4',
  'L4',
  'A10G',
  'V100',
  'A100',
  'A100_40GB',
  'H100',
  'H100_40GB',
  'H100MIG',
  'H200',
  'B200',
  'B300',
  'GB300',
  'L40S',
  'RTX_PRO_6000',
  'B10',
  'CPU',
] as const;
export type Accelerator = (typeof ACCELERATORS)[number];

/**
 * Price per minute of one unit (one GPU; CPU: one instance), in dollars [resources]. The others have no price:
 * a scenario using them must give `price_per_minute`.
 */
export const ACCELERATOR_PRICES: Readonly<Partial<Record<Accelerator, number>>> = {
  T4: 0.01052,
  L4: 0.01414,
  A10G: 0.02012,
  A100: 0.06667,
  H100: 0.10833,
  H100MIG: 0.0625,
  H200: 0.125,
  B200: 0.16633,
  CPU: 0.00058,
};

export function isAccelerator(name: string): name is Accelerator {
  return (ACCELERATORS as readonly string[]).includes(name);
}

export function isTrussAccelerator(name: string): name is TrussAccelerator {
  return (TRUSS_ACCELERATORS as readonly string[]).includes(name);
}

export type ParsedAccelerator = { type: TrussAccelerator; count: number; warning?: string } | { error: string };

/**
 * truss's `accelerator:` string (`"H100"`, `"H100:2"`) → type and count, as truss reads it.
 * `error` is the "allowed ..." part of a message (the caller adds file:line:col and key).
 */
export function parseAccelerator(text: string): ParsedAccelerator {
  const found = JSON.stringify(text);
  const parts = text.trim().split(':');
  const name = parts[0]!;
  if (name === '') {
    return { error: `found ${found}, allowed an accelerator type (one of ${TRUSS_ACCELERATORS.join(', ')}), optionally with a count: "H100:2"` };
  }
  if (!isTrussAccelerator(name)) {
    return { error: `found ${found}, allowed ${unknownNameHint(name)}` };
  }
  let count = 1;
  let warning: string | undefined;
  if (parts.length === 2) {
    const c = parts[1]!;
    // Python's str.isdigit() and int() > 0; only ASCII digits here (truss also takes e.g. Arabic-Indic digits).
    if (!/^[0-9]+$/.test(c) || Number(c) <= 0) {
      return { error: `found ${found}, allowed a count that is an integer ≥ 1 after the colon ("${name}:2"); truss refuses "${c}"` };
    }
    count = Number(c);
    if (!Number.isSafeInteger(count)) {
      return { error: `found ${found}, allowed a count that is an integer ≥ 1 of reasonable size` };
    }
  } else if (parts.length > 2) {
    warning = `found ${found}: truss reads only "${name}" and uses 1 GPU, ignoring "${parts.slice(1).join(':')}" (write "${name}:N" for N GPUs)`;
  }
  return warning === undefined ? { type: name, count } : { type: name, count, warning };
}

function unknownNameHint(name: string): string {
  const list = `one of ${TRUSS_ACCELERATORS.join(', ')} (truss's Accelerator names, case-sensitive), optionally with a count: "H100:2"`;
  if (name === 'CPU') return `${list}; for CPU write \`accelerator: null\` or leave it out`;
  if (name === 'H100MIG') return `${list}; truss has no H100MIG accelerator (set \`deployment.instance.type: H100MIG\` in the scenario instead)`;
  const exact = TRUSS_ACCELERATORS.find((a) => a.toLowerCase() === name.toLowerCase());
  if (exact) return `${list}; did you mean ${exact}?`;
  const near = closest(name, TRUSS_ACCELERATORS);
  return near ? `${list}; did you mean ${near}?` : list;
}

/** An instance as the scenario describes it after merging: a type, a GPU count and an optional explicit price. */
export interface InstanceSpec {
  type: string;
  count: number;
  /** The whole instance's price per minute (all its GPUs), when given; replaces the table. */
  price_per_minute?: number | null;
}

/**
 * The instance's price per minute: `price_per_minute` when given, else the per-GPU price from
 * the table × count. `error` (the "allowed ..." part) when the type has no known price.
 */
export function instancePrice(instance: InstanceSpec): { price: number } | { error: string } {
  if (instance.price_per_minute !== undefined && instance.price_per_minute !== null) return { price: instance.price_per_minute };
  const unit = Object.hasOwn(ACCELERATOR_PRICES, instance.type) ? ACCELERATOR_PRICES[instance.type as Accelerator] : undefined;
  if (unit === undefined) {
    const known = Object.keys(ACCELERATOR_PRICES).join(', ');
    const why = isAccelerator(instance.type) ? `deploysim has no price for ${instance.type}` : `"${instance.type}" is not in deploysim's price table`;
    return { error: `a priced type (${known}), or deployment.instance.price_per_minute beside it (the whole instance's price per minute; ${why})` };
  }
  return { price: unit * instance.count };
}
