import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  /** Share of the non-idle samples, in percent. */
  percent: number;
}

export interface ProfileSummary {
  /** Where the full profile was written (open it in Chrome DevTools). */
  file: string;
  sampledMs: number;
  functions: SelfTime[];
  packages: SelfTime[];
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const IDLE = "(idle)";

/** Who owns the code: an npm package, a folder of this project, Node itself, or V8. */
function ownerOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native code)";
  if (url.startsWith("node:")) return "node";
  const file = url.startsWith("file://") ? fileURLToPath(url) : url;
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (inModules) return inModules[1]!;
  if (file.startsWith(ROOT)) return `${path.relative(ROOT, file).split(path.sep)[0]}/ (ours)`;
  return file;
}

function whereIs(frame: CallFrame): string {
  if (!frame.url) return "";
  const file = frame.url.startsWith("file://") ? fileURLToPath(frame.url) : frame.url;
  const short = file.includes("node_modules/")
    ? file.slice(file.lastIndexOf("node_modules/") + "node_modules/".length)
    : path.relative(ROOT, file) || file;
  // Our TypeScript runs transpiled, so its line numbers would mislead.
  return file.endsWith(".ts") ? short : `${short}:${frame.lineNumber + 1}`;
}

function top(totals: Map<string, number>, all: number, count: number): SelfTime[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => ({ name, percent: Math.round((micros / all) * 1000) / 10 }));
}

/**
 * The functions and packages a V8 CPU profile spent its own (self) time in, as shares of the time
 * the process was not idle. Garbage collection shows up as "(garbage collector)".
 */
export function summariseProfile(file: string, count = 12): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id);
    // Each delta is the time since the previous sample, so it belongs to that one.
    const micros = profile.timeDeltas[i + 1] ?? 0;
    if (!frame || frame.functionName === IDLE) return;
    busy += micros;
    const where = whereIs(frame);
    const name = `${frame.functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    const owner = ownerOf(frame);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + micros);
  });
  return {
    file,
    sampledMs: Math.round(busy / 1000),
    functions: top(byFunction, busy, count),
    packages: top(byOwner, busy, count),
  };
}

interface Profiled {
  call<T>(message: object): Promise<T>;
}

/** Records a CPU profile of a server started with the bench's hooks while `work` runs. */
export async function profileDuring(
  server: Profiled,
  file: string,
  work: () => Promise<unknown>,
): Promise<ProfileSummary> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await server.call({ hook: "profile-start" });
  try {
    await work();
  } finally {
    await server.call({ hook: "profile-stop", file });
  }
  return summariseProfile(file);
}
