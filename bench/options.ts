import { parseArgs } from "node:util";

export const PHASES = ["ping", "turns", "growth", "sockets", "load", "tokens"] as const;
export type PhaseName = (typeof PHASES)[number];

export interface Sizes {
  /** ping: connections, and round trips each makes per repetition. */
  pingConnections: number;
  pingRoundTrips: number;
  /** turns: learners at once, conversations each, turns per conversation. */
  turnClients: number;
  turnConversations: number;
  turnsPerConversation: number;
  /** growth: the long conversation on SQLite and on the Firestore emulator. */
  growthTurns: number;
  firestoreTurns: number;
  /** growth: the turns whose mean is "turn N" at the end of the long conversation. */
  lateWindow: number;
  sockets: number;
  learners: number;
  /** tokens: the Ally turns of the Gemini session, and the early turn compared with the last. */
  tokenTurns: number;
  tokenEarlyTurn: number;
}

const FULL: Sizes = {
  pingConnections: 20,
  pingRoundTrips: 5_000,
  turnClients: 10,
  turnConversations: 3,
  turnsPerConversation: 8,
  growthTurns: 600,
  firestoreTurns: 300,
  lateWindow: 20,
  sockets: 10_000,
  learners: 500,
  tokenTurns: 300,
  tokenEarlyTurn: 20,
};

const QUICK: Sizes = {
  pingConnections: 20,
  pingRoundTrips: 500,
  turnClients: 10,
  turnConversations: 1,
  turnsPerConversation: 8,
  growthTurns: 60,
  firestoreTurns: 30,
  lateWindow: 10,
  sockets: 1_000,
  learners: 50,
  tokenTurns: 40,
  tokenEarlyTurn: 20,
};

export interface BenchOptions {
  phases: PhaseName[];
  sizes: Sizes;
  quick: boolean;
  repetitions: number;
  wait: { noWait: boolean; maxLoad: number; timeoutSeconds: number };
  profile: boolean;
  outDir: string;
  updateReadme: boolean;
  /** Extra configuration for every product server (rate limits, admission control). */
  serverEnv: Record<string, string>;
}

export const USAGE = `npm run bench -- [options]

Measures the product against its anchors, in server CPU per operation read from /proc, and writes
bench/results/<date>.json and .md.

  --quick                 small sizes (minutes, not the full run)
  --only <phases>         comma list of ${PHASES.join(", ")}
  --skip <phases>         run every phase but these
  --reps <n>              repetitions of each measurement (default 3)
  --no-wait               start each phase at once instead of waiting for a quiet machine
  --max-load <x>          what counts as quiet: 1-minute load average under x (default 0.8)
  --wait-timeout <s>      longest wait for a quiet machine before a phase (default 600)
  --no-profile            no CPU profile of a phase that misses its goal
  --server-env K=V        configuration for the product server (repeatable), e.g. a rate limit
  --out <dir>             where results go (default bench/results)
  --readme                also put the table into README.md
  --<size> <n>            override a size: ${Object.keys(FULL).join(", ")}`;

function phaseList(value: string | undefined): PhaseName[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(",").map((s) => s.trim());
  for (const name of names)
    if (!PHASES.includes(name as PhaseName))
      throw new Error(`unknown phase "${name}" (phases: ${PHASES.join(", ")})`);
  return names as PhaseName[];
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new Error(`--${name} needs a positive number, not "${value}"`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions | "help" {
  const sizeOptions = Object.fromEntries(
    Object.keys(FULL).map((key) => [key, { type: "string" as const }]),
  );
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      skip: { type: "string" },
      reps: { type: "string", default: "3" },
      "no-wait": { type: "boolean", default: false },
      "max-load": { type: "string", default: "0.8" },
      "wait-timeout": { type: "string", default: "600" },
      "no-profile": { type: "boolean", default: false },
      "server-env": { type: "string", multiple: true, default: [] },
      out: { type: "string", default: "bench/results" },
      readme: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
      ...sizeOptions,
    },
  });
  if (values.help) return "help";
  const skip = phaseList(values.skip) ?? [];
  const phases = (phaseList(values.only) ?? [...PHASES]).filter((p) => !skip.includes(p));
  const sizes = { ...(values.quick ? QUICK : FULL) };
  for (const key of Object.keys(FULL) as (keyof Sizes)[]) {
    const value = (values as Record<string, unknown>)[key];
    if (typeof value === "string") sizes[key] = Math.round(positive(key, value));
  }
  const serverEnv = Object.fromEntries(
    values["server-env"].map((pair) => {
      const at = pair.indexOf("=");
      if (at < 1) throw new Error(`--server-env needs KEY=VALUE, not "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  return {
    phases,
    sizes,
    quick: values.quick,
    repetitions: Math.round(positive("reps", values.reps)),
    wait: {
      noWait: values["no-wait"],
      maxLoad: positive("max-load", values["max-load"]),
      timeoutSeconds: positive("wait-timeout", values["wait-timeout"]),
    },
    profile: !values["no-profile"],
    outDir: values.out,
    updateReadme: values.readme,
    serverEnv,
  };
}
