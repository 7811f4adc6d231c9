/**
 * Optional per-op timing. Ops call `opStart()` / `opEnd(name, t0)` around their
 * forward work and the tape times each backward closure, so one training step can
 * be broken down by op (see docs/tensor.md). Costs one branch when disabled.
 */
export interface OpProfileEntry {
  op: string;
  forwardMs: number;
  backwardMs: number;
  calls: number;
}

let enabled = false;
const table = new Map<string, OpProfileEntry>();

function entry(op: string): OpProfileEntry {
  let row = table.get(op);
  if (!row) {
    row = { op, forwardMs: 0, backwardMs: 0, calls: 0 };
    table.set(op, row);
  }
  return row;
}

export function opStart(): number {
  return enabled ? performance.now() : 0;
}

export function opEnd(op: string, start: number): void {
  if (!enabled) return;
  const row = entry(op);
  row.forwardMs += performance.now() - start;
  row.calls++;
}

export function backwardEnd(op: string, start: number): void {
  if (!enabled) return;
  entry(op).backwardMs += performance.now() - start;
}

export function isProfiling(): boolean {
  return enabled;
}

/** Runs `fn` with op timing on and returns the per-op table, slowest first. */
export function profileOps(fn: () => void): OpProfileEntry[] {
  table.clear();
  enabled = true;
  try {
    fn();
  } finally {
    enabled = false;
  }
  const rows = [...table.values()].sort((a, b) => b.forwardMs + b.backwardMs - (a.forwardMs + a.backwardMs));
  table.clear();
  return rows;
}
