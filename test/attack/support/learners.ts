// Learners who talk as fast as the server lets them, from a process of their own: each socket in
// LEARNER_URLS sends a message, waits for its answer, and sends the next at once, for LEARNER_MS.
// Prints how the server answered, and how long a "busy" answer took; says on stderr when the
// first "busy" arrives, as the server is saturated from then on.
import WebSocket from "ws";
import { Connection } from "../../../client/index.js";
import { SATURATED } from "./client-processes.js";

const urls = JSON.parse(process.env.LEARNER_URLS ?? "[]") as string[];
const until = Date.now() + Number(process.env.LEARNER_MS ?? 3000);
const frame = JSON.stringify({ type: "user_message", content: "What is the weather like today?" });

interface Outcome {
  byKind: Record<string, number>;
  busyMs: number[];
}

function talk(url: string, outcome: Outcome): Promise<void> {
  return new Promise((resolve, reject) => {
    const connection = new Connection(url, { WebSocket });
    let sentAt = 0;
    const next = () => {
      if (Date.now() >= until) {
        connection.close();
        return;
      }
      sentAt = performance.now();
      connection.sendRaw(frame);
    };
    connection.opened.catch(reject);
    connection.on("close", () => resolve());
    connection.on("frame", ({ json }) => {
      const message = json as { type: string; code?: string };
      if (message.type === "connected") return next();
      const kind = message.code ? `${message.type}:${message.code}` : message.type;
      outcome.byKind[kind] = (outcome.byKind[kind] ?? 0) + 1;
      if (message.code === "busy") {
        if (outcome.busyMs.length === 0) process.stderr.write(`${SATURATED}\n`);
        outcome.busyMs.push(performance.now() - sentAt);
      }
      next();
    });
  });
}

const outcome: Outcome = { byKind: {}, busyMs: [] };
await Promise.all(urls.map((url) => talk(url, outcome)));
process.stdout.write(JSON.stringify(outcome) + "\n");
