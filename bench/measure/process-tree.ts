import { execFileSync } from "node:child_process";
import fs from "node:fs";

/** Clock ticks per second, the unit of utime and stime in /proc/<pid>/stat. */
export const CLOCK_TICKS =
  Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" })) || 100;
const PAGE_BYTES = Number(execFileSync("getconf", ["PAGESIZE"], { encoding: "utf8" })) || 4096;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, plus cutime + cstime: the time of children it has already reaped. */
  ticks: number;
  rssBytes: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // gone
  }
  // The command name may hold spaces and parentheses; the fields start after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const field = (n: number) => Number(fields[n - 3]);
  return {
    pid,
    ppid: field(4),
    ticks: field(14) + field(15) + field(16) + field(17),
    rssBytes: field(24) * PAGE_BYTES,
  };
}

function allPids(): number[] {
  return fs
    .readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

export interface TreeSample {
  /** CPU time of the whole tree so far, in clock ticks. */
  ticks: number;
  rssBytes: number;
  pids: number[];
}

/**
 * CPU time and resident memory of a process and all its descendants, from /proc. A reaped child's
 * time stays counted in its parent's cutime/cstime, so the tree's total never goes backwards while
 * the root lives.
 */
export function sampleTree(root: number): TreeSample {
  const stats = allPids().flatMap((pid) => readStat(pid) ?? []);
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) {
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(stat);
    children.set(stat.ppid, siblings);
  }
  const rootStat = stats.find((s) => s.pid === root);
  if (!rootStat) throw new Error(`process ${root} is gone`);
  const tree: ProcStat[] = [];
  const queue = [rootStat];
  while (queue.length > 0) {
    const next = queue.pop()!;
    tree.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return {
    ticks: tree.reduce((sum, s) => sum + s.ticks, 0),
    rssBytes: tree.reduce((sum, s) => sum + s.rssBytes, 0),
    pids: tree.map((s) => s.pid),
  };
}

/** Seconds of CPU the tree used while `work` ran. */
export async function treeCpuDuring<T>(
  root: number,
  work: () => Promise<T>,
): Promise<{ cpuSeconds: number; result: T; wallMs: number }> {
  const before = sampleTree(root).ticks;
  const started = performance.now();
  const result = await work();
  const wallMs = performance.now() - started;
  const cpuSeconds = (sampleTree(root).ticks - before) / CLOCK_TICKS;
  return { cpuSeconds, result, wallMs };
}
