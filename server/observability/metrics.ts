import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { TurnUsage } from "../../graphs/index.js";

/** The WebSocket endpoints, as metric labels. */
export type EndpointName = "commander" | "ally";

/** What `learnforge_errors_total` counts, by `kind`. */
export const ERROR_KINDS = [
  "invalid_frame", // a client frame answered with "Invalid message format"
  "queue_full", // a message refused because too many were waiting behind the running turn
  "rate_limited", // a message refused because its user had started too many turns this minute
  "busy", // a message refused at once because the server was saturated
  "turn_failed", // a turn that ended in an `error` frame (model, store or tool failure)
  "socket_fault", // a socket closed with 1011 after an unexpected fault
  "socket_refused", // a socket closed with 1008 (auth, ownership, or a newer socket took over)
  "slow_client", // a socket closed with 1013 because its client stopped reading
  "http_internal", // an HTTP request answered 500
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

const ERROR_OF_CLOSE_CODE: Partial<Record<number, ErrorKind>> = {
  1008: "socket_refused",
  1011: "socket_fault",
  1013: "slow_client",
};

/** A socket endpoint's view of the metrics. */
export interface SocketObserver {
  opened(): void;
  closed(code: number): void;
  rejected(
    kind: Extract<ErrorKind, "invalid_frame" | "queue_full" | "rate_limited" | "busy">,
  ): void;
}

export interface FinishedTurn {
  /** The agent that spoke last: the one whose reply ended the turn. */
  agent: string;
  ok: boolean;
  seconds: number;
  usage: TurnUsage;
}

/** Receives each turn once it has ended, whether it succeeded or not. */
export interface TurnObserver {
  turnEnded(turn: FinishedTurn): void;
}

export interface StoreCallObserver {
  storeCall(port: string, method: string, ok: boolean, seconds: number): void;
}

// Process metrics (CPU, memory, event-loop lag, GC) exist once per process, however many servers
// it runs; each server's scrape adds them to its own.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** One server's Prometheus metrics. Every name starts with `learnforge_`. */
export class ServerMetrics implements StoreCallObserver {
  private readonly registry = new Registry();
  private readonly openSockets = new Gauge({
    name: "learnforge_open_sockets",
    help: "WebSocket connections open now",
    labelNames: ["endpoint"] as const,
    registers: [this.registry],
  });
  private readonly turns = new Counter({
    name: "learnforge_turns_total",
    help: "Learner turns run, by endpoint, the agent that answered, and outcome (ok or failed)",
    labelNames: ["endpoint", "agent", "outcome"] as const,
    registers: [this.registry],
  });
  private readonly turnSeconds = new Histogram({
    name: "learnforge_turn_duration_seconds",
    help: "How long a turn took from the learner's message to the last reply, by endpoint and agent",
    labelNames: ["endpoint", "agent"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  private readonly modelCalls = new Counter({
    name: "learnforge_model_calls_total",
    help: "Chat model calls, by the agent that made them",
    labelNames: ["agent"] as const,
    registers: [this.registry],
  });
  private readonly modelTokens = new Counter({
    name: "learnforge_model_tokens_total",
    help: "Tokens the chat models reported, by agent and direction (input or output)",
    labelNames: ["agent", "direction"] as const,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: "learnforge_errors_total",
    help: "Errors, by kind (see the README)",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  private readonly leaseTakeovers = new Counter({
    name: "learnforge_lease_takeovers_total",
    help: "Conversation leases this server took from another socket that still held them",
    registers: [this.registry],
  });
  private readonly storeSeconds = new Histogram({
    name: "learnforge_store_call_duration_seconds",
    help: "Store calls, by port, method and outcome (ok or failed)",
    labelNames: ["port", "method", "outcome"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly contentType = this.registry.contentType;

  constructor() {
    // Every series exists from the start, at zero, so rates and alerts see the first error.
    for (const kind of ERROR_KINDS) this.errors.inc({ kind }, 0);
    for (const endpoint of ["commander", "ally"] as const) this.openSockets.set({ endpoint }, 0);
  }

  /** The exposition text: this server's metrics, then the process's. */
  async scrape(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${process}`;
  }

  error(kind: ErrorKind): void {
    this.errors.inc({ kind });
  }

  sockets(endpoint: EndpointName): SocketObserver {
    return {
      opened: () => this.openSockets.inc({ endpoint }),
      closed: (code) => {
        this.openSockets.dec({ endpoint });
        const kind = ERROR_OF_CLOSE_CODE[code];
        if (kind) this.error(kind);
      },
      rejected: (kind) => this.error(kind),
    };
  }

  turnsOf(endpoint: EndpointName): TurnObserver {
    return {
      turnEnded: ({ agent, ok, seconds, usage }) => {
        this.turns.inc({ endpoint, agent, outcome: ok ? "ok" : "failed" });
        this.turnSeconds.observe({ endpoint, agent }, seconds);
        if (!ok) this.error("turn_failed");
        for (const [name, used] of Object.entries(usage.by_agent)) {
          this.modelCalls.inc({ agent: name }, used.model_calls);
          this.modelTokens.inc({ agent: name, direction: "input" }, used.input_tokens);
          this.modelTokens.inc({ agent: name, direction: "output" }, used.output_tokens);
        }
      },
    };
  }

  leaseTakenOver(): void {
    this.leaseTakeovers.inc();
  }

  storeCall(port: string, method: string, ok: boolean, seconds: number): void {
    this.storeSeconds.observe({ port, method, outcome: ok ? "ok" : "failed" }, seconds);
  }
}
