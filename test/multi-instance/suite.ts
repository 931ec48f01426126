import { EventEmitter } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commanderThreadId } from "../../domain/index.js";
import { untilOutput } from "../support/server-process.js";
import { MODEL_CALL_STARTED } from "../support/slow-models.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { TestSocket } from "../support/ws-client.js";
import {
  Cluster,
  LEASE_TTL_MS,
  answeredOrClosed,
  commanderPath,
  commanderUrl,
  newSession,
  shownReplies,
  signIn,
  transcriptOf,
  transcriptProblems,
} from "./cluster.js";

const TAKEN_OVER = { code: 1008, reason: "Replaced by a newer connection" };

export interface MultiInstanceOptions {
  /** Points every instance at one store. */
  storeEnv: () => Promise<Record<string, string>>;
  /** Runs of sockets on one conversation sending at once. */
  races: number;
}

/**
 * Several server processes on one store, serving the same conversations: sockets racing on one
 * conversation from every instance, a takeover across instances, a lease holder killed with
 * SIGKILL mid-turn, and a rolling restart behind a load balancer.
 */
export function describeMultiInstance(name: string, options: MultiInstanceOptions): void {
  describe(`Several instances on ${name}`, () => {
    let cluster: Cluster;
    let token: string;

    beforeAll(async () => {
      cluster = await Cluster.start(3, await options.storeEnv());
      token = await signIn(cluster.instances[0]!, "ada@example.com");
    }, 60_000);

    afterAll(async () => {
      await cluster?.stop();
    });

    it(`loses, duplicates and interleaves nothing when sockets on 3 instances send at once (${options.races} runs)`, async () => {
      const race = async (run: number) => {
        const session = await newSession(cluster.instances[run % 3]!, token);
        const sockets = cluster.instances.map((instance, k) => ({
          socket: new TestSocket(commanderUrl(instance.port, token, session)),
          sent: [`I want to learn topic ${run}-${k} for work`],
        }));
        await Promise.all(
          sockets.map(async ({ socket, sent }) => {
            await socket.waitUntil(
              () =>
                socket.frames.some((f) => f.type === "connected") || socket.closeCode !== undefined,
            );
            socket.send({ type: "user_message", content: sent[0] });
            await answeredOrClosed(socket);
          }),
        );
        // Every socket but the last to take the conversation is closed, told why, within 2 s.
        const stillOpen = () => sockets.filter(({ socket }) => socket.closeCode === undefined);
        await expect.poll(() => stillOpen().length, { timeout: 2_000, interval: 50 }).toBe(1);
        const open = stillOpen();
        for (const { socket } of sockets.filter((s) => s.socket.closeCode !== undefined)) {
          expect(await socket.closed).toEqual(TAKEN_OVER);
          expect(socket.frames.at(-1)).toMatchObject({ type: "error" });
        }
        const survivor = open[0]!.socket;
        expect(shownReplies(survivor), JSON.stringify(survivor.frames)).toHaveLength(1);
        for (const { socket } of sockets) socket.close();
        return transcriptProblems(await transcriptOf(cluster.store, session), sockets);
      };
      const problems: string[] = [];
      // A few runs at a time: enough to keep the instances busy, not so many that the other test
      // files running meanwhile starve.
      for (let run = 0; run < options.races; run += 3) {
        const batch = Array.from({ length: Math.min(3, options.races - run) }, (_, i) => run + i);
        problems.push(...(await Promise.all(batch.map(race))).flat());
      }
      expect(problems).toEqual([]);
    }, 120_000);

    it("closes the older socket on another instance with an error and 1008 within 2 s", async () => {
      const [first, second] = cluster.instances;
      const session = await newSession(first!, token);
      const older = new TestSocket(commanderUrl(first!.port, token, session));
      await older.waitFor("connected");
      older.send({ type: "user_message", content: "I want to learn Rust" });
      await older.waitFor("agent_message");
      const newer = new TestSocket(commanderUrl(second!.port, token, session));
      await newer.waitFor("connected");
      const tookOver = performance.now();
      expect(await older.closed).toEqual(TAKEN_OVER);
      expect(performance.now() - tookOver).toBeLessThan(2_000);
      expect(older.frames.at(-1)).toMatchObject({ type: "error", message: /another window/ });
      // The newer socket sees the older one's turn, and carries on from it.
      expect((await newer.waitFor("historical_messages")).messages).toHaveLength(2);
      newer.send({ type: "user_message", content: "To build command-line tools" });
      await newer.waitFor("agent_message");
      const lease = await cluster.store.leases.get(commanderThreadId(session));
      expect(lease?.token).toBe(2);
      const metrics = await (await fetch(`http://127.0.0.1:${second!.port}/metrics`)).text();
      expect(metrics).toMatch(/^learnforge_lease_takeovers_total [1-9]/m);
      newer.close();
    });

    it("carries on on another instance, duplicating nothing, after the lease holder is killed mid-turn", async () => {
      // Model calls slow enough that the kill lands inside the turn, before anything is shown; the
      // instance says when each one starts.
      const doomed = await cluster.add({ MODEL_DELAY_MS: "1500-2000", REPORT_MODEL_CALLS: "1" });
      const modelCalls = () => doomed.output.join("").split(MODEL_CALL_STARTED).length - 1;
      const session = await newSession(doomed, token);
      const first = new TestSocket(commanderUrl(doomed.port, token, session, "&events=all"));
      await first.waitFor("connected");
      first.send({ type: "user_message", content: "I want to learn Go" });
      await first.waitFor("agent_message");
      const from = first.frames.length;
      const callsBefore = modelCalls();
      first.send({ type: "user_message", content: "To write network services" });
      await first.waitFor("agent_processing_start", from);
      // The kill lands while the turn waits on its model.
      await untilOutput(doomed, () => modelCalls() > callsBefore);
      doomed.child.kill("SIGKILL");
      await doomed.exited;
      expect((await first.closed).code).toBe(1006);

      const next = new TestSocket(commanderUrl(cluster.instances[0]!.port, token, session));
      await next.waitFor("connected");
      const history = await next.waitFor("historical_messages");
      // The learner saw one answered message, and the history holds exactly that.
      expect((history.messages as { content: string }[]).map((m) => m.content)).toEqual([
        "I want to learn Go",
        shownReplies(first)[0]!.content,
      ]);
      next.send({ type: "user_message", content: "To write network services" });
      await next.waitFor("agent_message");
      const entries = await transcriptOf(cluster.store, session);
      expect(
        transcriptProblems(entries, [
          { socket: first, sent: ["I want to learn Go", "To write network services"] },
          { socket: next, sent: ["To write network services"] },
        ]),
      ).toEqual([]);
      expect(entries.map((e) => e.role)).toEqual(["learner", "agent", "learner", "agent"]);
      // The dead holder's lease was taken over with the next token; its expiry is bounded.
      const lease = await cluster.store.leases.get(commanderThreadId(session));
      expect(lease?.token).toBe(2);
      expect(Date.parse(lease!.expires_at) - Date.now()).toBeLessThanOrEqual(LEASE_TTL_MS);
      next.close();
    }, 60_000);

    it("drains on SIGTERM, releasing its leases, and the learners resume on the other instances", async () => {
      const balancer = await TcpProxy.start(...cluster.instances.filter(isRunning).map(address));
      const learners = await Promise.all(
        [0, 1, 2, 3].map(async (n) => ({
          session: await newSession(cluster.instances[0]!, token),
          texts: [`I want to learn subject ${n}`, "To use it at work", "I'm a beginner", "Fine"],
          seen: [] as string[],
        })),
      );
      const replies = new EventEmitter();
      /** Resolves once every learner has had `turns` of its messages answered. */
      const allAnswered = (turns: number) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (!learners.every((l) => l.seen.length >= 2 * turns)) return;
            replies.off("reply", check);
            resolve();
          };
          replies.on("reply", check);
          check();
        });
      /** Talks through every message, reconnecting (through the balancer) whenever it is closed. */
      const talk = async (learner: (typeof learners)[number]) => {
        let next = 0;
        let refused = 0;
        while (next < learner.texts.length) {
          const socket = new TestSocket(
            `ws://${balancer.host}${commanderPath(token, learner.session)}`,
          );
          const opened = await socket.waitUntil(
            () =>
              socket.frames.some((f) => f.type === "connected") || socket.closeCode !== undefined,
          );
          // Routed to an instance as it left: the next connection goes to another, at once.
          if (!opened || socket.closeCode !== undefined) {
            socket.close();
            if (++refused > 20) throw new Error("no instance took the learner's socket");
            continue;
          }
          refused = 0;
          await socket.settle();
          const history = socket.frames.find((f) => f.type === "historical_messages");
          const stored = ((history?.messages as { content: string }[]) ?? []).map((m) => m.content);
          // What the learner saw answered is all there, once, and nothing else.
          expect(stored).toEqual(learner.seen);
          while (next < learner.texts.length && socket.closeCode === undefined) {
            const from = socket.frames.length;
            socket.send({ type: "user_message", content: learner.texts[next] });
            await answeredOrClosed(socket, from);
            const reply = socket.frames.slice(from).find((f) => f.type === "agent_message");
            if (!reply) break;
            learner.seen.push(learner.texts[next]!, String(reply.content));
            next += 1;
            replies.emit("reply");
          }
          socket.close();
        }
      };
      const talking = Promise.all(learners.map(talk));
      // A rolling restart: each original instance in turn leaves the balancer and drains, the
      // first once every learner has had one answer, the second once every one has had two.
      for (const [step, instance] of cluster.instances.filter(isRunning).slice(0, 2).entries()) {
        await Promise.race([allAnswered(step + 1), talking]);
        balancer.remove(address(instance));
        instance.child.kill("SIGTERM");
        expect(await instance.exited).toBe(0);
        // A drain closes nothing under its sockets: each one's close handling is done first.
        const complaints = instance.output
          .join("")
          .split("\n")
          .filter((line) => line.includes('"level":"error"'));
        expect(complaints).toEqual([]);
        balancer.add(address(await cluster.add()));
      }
      await talking;
      await balancer.close();
      for (const learner of learners) {
        const entries = await transcriptOf(cluster.store, learner.session);
        expect(entries.map((e) => e.text)).toEqual(learner.seen);
        const lease = await cluster.store.leases.get(commanderThreadId(learner.session));
        expect(lease?.owner).toBeNull();
      }
    }, 90_000);
  });
}

const address = (instance: { port: number }) => `127.0.0.1:${instance.port}`;

const isRunning = (instance: { child: { exitCode: number | null; signalCode: unknown } }) =>
  instance.child.exitCode === null && instance.child.signalCode === null;
