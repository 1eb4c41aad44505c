import { readFileSync } from 'node:fs';

/**
 * Where the CPU of a load goes, by part of the system: user + system time of each part's processes, read
 * from /proc (Linux) before and after the load, and the machine's whole busy time from /proc/stat, so what
 * no named part used (the load generator, the kernel's own work) shows as the rest. A rate alone cannot say
 * why the twin is slower than a raw GetItem on a 2-core machine; CPU per request by part can.
 */

/** Clock ticks per second of /proc's times: 100 on every Linux the bench runs on (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

export type CpuParts = Record<string, () => readonly number[]>;

export interface CpuUse {
  /** CPU milliseconds per part over the load, and `rest` (the machine's busy time no part accounts for). */
  ms: Record<string, number>;
  wallMs: number;
}

/** utime + stime of a process in ms; undefined once it is gone (or off Linux). */
function processMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The whole machine's busy (non-idle, non-iowait) time in ms, all CPUs together. */
function machineBusyMs(): number | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    return ((user + nice + system + irq + softirq + steal) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Starts measuring; the returned function ends it. Processes are looked up at both ends (execution
 * environments come and go): one alive at the end but not at the start counts from zero, one gone by the
 * end is lost (its time shows in `rest`). Undefined off Linux.
 */
export function startCpuMeter(parts: CpuParts): (() => CpuUse) | undefined {
  const machineBefore = machineBusyMs();
  if (machineBefore === undefined) return undefined;
  const before = new Map<number, number>();
  for (const pids of Object.values(parts).map((list) => list())) for (const pid of pids) before.set(pid, processMs(pid) ?? 0);
  const started = performance.now();
  return () => {
    const ms: Record<string, number> = {};
    let named = 0;
    for (const [part, list] of Object.entries(parts)) {
      let used = 0;
      for (const pid of new Set(list())) {
        const now = processMs(pid);
        if (now !== undefined) used += now - (before.get(pid) ?? 0);
      }
      ms[part] = used;
      named += used;
    }
    ms.rest = Math.max(0, (machineBusyMs() ?? machineBefore) - machineBefore - named);
    return { ms, wallMs: performance.now() - started };
  };
}

/** CPU ms per request of each part, rounded to 0.01. */
export function perRequest(use: CpuUse, requests: number): Record<string, number> {
  return Object.fromEntries(Object.entries(use.ms).map(([part, ms]) => [part, requests > 0 ? Math.round((ms / requests) * 100) / 100 : Number.NaN]));
}
