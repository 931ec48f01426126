import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { commanderThreadId } from "../../domain/index.js";
import { createModelFactory } from "../../graphs/index.js";
import { openStore } from "../../server/compose.js";
import { buildServer, createLogger, loadConfig, type BuiltServer } from "../../server/index.js";
import type { Store } from "../../store/index.js";
import { Gate, wrapFactory } from "../support/model-wrappers.js";
import { TestSocket } from "../support/ws-client.js";
import { commanderUrl, newSession, signIn } from "./cluster.js";

/** The store, but its lease watch never reports anything: a holder cut off from the notice. */
function deaf(store: Store): Store {
  return { ...store, leases: { ...store.leases, watch: () => () => {} } };
}

/**
 * Two servers on one store, one of which never hears that its conversation was taken over: the
 * lease's fence alone must keep its turn from landing.
 */
export function itRefusesAHolderThatMissedTheTakeover(
  storeEnv: () => Promise<Record<string, string>>,
): void {
  it("refuses every write of a holder that missed the takeover, and closes its socket", async () => {
    const dir = mkdtempSync(join(tmpdir(), "learnforge-fence-"));
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dir,
      LOCAL_AUTH_SECRET: "a shared local signing secret for every test instance",
      ...(await storeEnv()),
    });
    const gate = new Gate();
    const { factory } = wrapFactory(createModelFactory(config.models), "polaris", { gate });
    const log = createLogger("silent");
    const servers: BuiltServer[] = [];
    try {
      servers.push(
        await buildServer(config, { store: deaf(await openStore(config)), models: factory, log }),
      );
      servers.push(await buildServer(config, { log }));
      const [cutOff, other] = servers.map((s) => ({ port: s.port }));
      const token = await signIn(cutOff!, "ada@example.com");
      const session = await newSession(cutOff!, token);
      const older = new TestSocket(commanderUrl(cutOff!.port, token, session));
      await older.waitFor("connected");
      older.send({ type: "user_message", content: "I want to learn SQL" });
      await gate.reached;

      const newer = new TestSocket(commanderUrl(other!.port, token, session));
      await newer.waitFor("connected");
      // The takeover is in the store, and the older socket, never told, still answers.
      const thread = commanderThreadId(session);
      expect((await servers[1]!.store.leases.get(thread))?.token).toBe(2);
      await older.settle();
      expect(older.closeCode).toBeUndefined();
      gate.open();
      // The older turn's first write is refused, which ends its socket as a takeover would.
      expect(await older.waitUntil(() => older.closeCode !== undefined, 5_000)).toBe(true);
      expect(await older.closed).toEqual({ code: 1008, reason: "Replaced by a newer connection" });
      expect(older.frames.map((f) => f.type)).toEqual(["connected", "pong", "error"]);
      newer.send({ type: "user_message", content: "I want to learn Go" });
      const reply = await newer.waitFor("agent_message");

      const entries = await servers[1]!.store.transcripts.list(thread);
      expect(entries.map((e) => e.text)).toEqual(["I want to learn Go", reply.content]);
      newer.close();
    } finally {
      for (const server of servers) await server.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
