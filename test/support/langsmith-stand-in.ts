import http from "node:http";
import type { AddressInfo } from "node:net";

/** A run as LangSmith receives it, with its later updates merged in. */
export interface TracedRun {
  id: string;
  name?: string;
  parent_run_id?: string | null;
  trace_id?: string;
  session_name?: string;
  end_time?: unknown;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  extra?: { metadata?: Record<string, unknown> };
  [field: string]: unknown;
}

/** What the stand-in says about itself: the current ingest API, without compression. */
const SERVER_INFO = {
  version: "0.12.0",
  batch_ingest_config: {
    use_multipart_endpoint: true,
    size_limit: 100,
    size_limit_bytes: 20_971_520,
  },
  instance_flags: {},
};

/**
 * A local stand-in for the LangSmith API that records the runs posted to it, through any of the
 * ingest endpoints the client may use (multipart, JSON batch, single runs).
 */
export class LangSmithStandIn {
  readonly runs = new Map<string, TracedRun>();
  readonly requests: { method: string; path: string; apiKey: string }[] = [];
  readonly bodies: string[] = [];
  private readonly server = http.createServer((req, res) => {
    void this.answer(req).then(
      (status) =>
        res
          .writeHead(status, { "Content-Type": "application/json" })
          .end(status === 200 && req.url === "/info" ? JSON.stringify(SERVER_INFO) : "{}"),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });

  static async start(): Promise<LangSmithStandIn> {
    const standIn = new LangSmithStandIn();
    await new Promise<void>((resolve) => standIn.server.listen(0, "127.0.0.1", resolve));
    return standIn;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private record(id: string, fields: Partial<TracedRun>): void {
    this.runs.set(id, { ...this.runs.get(id), ...fields, id });
  }

  private async answer(req: http.IncomingMessage): Promise<number> {
    const path = new URL(req.url ?? "/", "http://stand-in").pathname;
    this.requests.push({
      method: req.method ?? "",
      path,
      apiKey: String(req.headers["x-api-key"] ?? ""),
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    this.bodies.push(body.toString("latin1"));
    if (req.method === "POST" && path === "/runs/multipart") {
      const form = await new Response(body, {
        headers: { "content-type": String(req.headers["content-type"]) },
      }).formData();
      for (const [name, value] of form.entries()) {
        const [, id, field] = /^(?:post|patch)\.([^.]+)(?:\.(\w+))?$/.exec(name) ?? [];
        if (!id) continue;
        const parsed = JSON.parse(
          typeof value === "string" ? value : await value.text(),
        ) as unknown;
        this.record(id, field ? { [field]: parsed } : (parsed as Partial<TracedRun>));
      }
    } else if (req.method === "POST" && path === "/runs/batch") {
      const batch = JSON.parse(body.toString()) as { post?: TracedRun[]; patch?: TracedRun[] };
      for (const run of [...(batch.post ?? []), ...(batch.patch ?? [])]) this.record(run.id, run);
    } else if (req.method === "POST" && path === "/runs") {
      const run = JSON.parse(body.toString()) as TracedRun;
      this.record(run.id, run);
    } else if (req.method === "PATCH" && path.startsWith("/runs/")) {
      this.record(path.slice("/runs/".length), JSON.parse(body.toString()) as TracedRun);
    }
    return 200;
  }
}
