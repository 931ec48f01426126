import { fileURLToPath } from "node:url";
import { startServerProcess, untilOutput, type ServerProcess } from "../support/server-process.js";
import { startLiveServer, timedTurn, type LiveServer } from "./support/live-server.js";

const THROW_LATER = fileURLToPath(new URL("./support/throw-later.ts", import.meta.url));

let server: LiveServer;
let second: ServerProcess | undefined;
beforeAll(async () => {
  // A server with a bug planted: once listening, a timer throws and a promise rejects unawaited.
  server = await startLiveServer({
    HOST: "127.0.0.1",
    NODE_OPTIONS: `--import tsx --import ${THROW_LATER}`,
  });
});
afterAll(async () => {
  second?.child.kill("SIGKILL");
  await server?.stop();
});

describe("the server process", () => {
  it("logs an uncaught exception and an unhandled rejection, and keeps serving", async () => {
    await untilOutput(server.proc, (output) => output.includes("unhandled rejection"), 5_000);
    const lines = server.log().split("\n");
    expect(lines.find((l) => l.includes("uncaught exception; still serving"))).toContain(
      "a timer callback failed",
    );
    expect(lines.find((l) => l.includes("unhandled rejection; still serving"))).toContain(
      "a promise nobody awaited failed",
    );
    expect(server.proc.child.exitCode).toBeNull();
    expect(await server.healthMs()).toBeLessThan(1000);
    const socket = await server.commander(await server.login("ada@example.com"));
    const { frame } = await timedTurn(socket, "I want to learn Python for data analysis");
    expect(frame.type).toBe("agent_message");
  });

  it("refuses to share its port: a second server on it exits with 'address in use'", async () => {
    const failure = await startServerProcess({
      HOST: "127.0.0.1",
      PORT: String(server.proc.port),
      SQLITE_PATH: ":memory:",
    }).then(
      (proc) => {
        second = proc;
        return "started";
      },
      (err: Error) => err.message,
    );
    expect(failure).toMatch(/server exited with 1/);
    expect(failure).toMatch(
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${server.proc.port}: address in use`),
    );
    expect(await server.healthMs()).toBeLessThan(1000);
  });
});
