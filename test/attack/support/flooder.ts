// Floods the server from a process of its own, so the test's measurements never wait on it:
// each socket in FLOOD_URLS gets FLOOD_FRAMES user messages at once, and the script prints what
// came back once every message has had its answer or the socket has closed.
import WebSocket from "ws";
import { Connection } from "../../../client/index.js";

const urls = JSON.parse(process.env.FLOOD_URLS ?? "[]") as string[];
const frames = Number(process.env.FLOOD_FRAMES ?? 1000);
const frame = JSON.stringify({ type: "user_message", content: process.env.FLOOD_TEXT ?? "hello" });

interface Outcome {
  answers: number;
  byKind: Record<string, number>;
  closeCode?: number;
}

function flood(url: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const outcome: Outcome = { answers: 0, byKind: {} };
    const connection = new Connection(url, { WebSocket });
    let connected = false;
    connection.opened.catch(reject);
    connection.on("frame", ({ json }) => {
      const message = json as { type: string; code?: string };
      if (!connected) {
        connected = message.type === "connected";
        if (connected) for (let i = 0; i < frames; i++) connection.sendRaw(frame);
        return;
      }
      const kind = message.code ? `${message.type}:${message.code}` : message.type;
      outcome.byKind[kind] = (outcome.byKind[kind] ?? 0) + 1;
      if (message.type === "agent_message" || message.type === "error") outcome.answers += 1;
      if (outcome.answers >= frames) connection.close();
    });
    connection.on("close", ({ code }) => {
      outcome.closeCode = code;
      resolve(outcome);
    });
  });
}

// A flood that is not fully answered within a minute is a failure of the server, reported as such.
setTimeout(() => {
  process.stderr.write("some frames were never answered\n");
  process.exit(2);
}, 60_000).unref();
const outcomes = await Promise.all(urls.map(flood));
process.stdout.write(JSON.stringify(outcomes) + "\n");
