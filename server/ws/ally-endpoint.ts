import { nodeAgents, type AllyGraph } from "../../graphs/index.js";
import {
  AGENTS,
  allyContextOf,
  allyThreadId,
  type AllyContext,
  type User,
} from "../../domain/index.js";
import { AllyClientFrame, type AllyServerFrame } from "../protocol/index.js";
import { authenticateSocket } from "./authenticate-socket.js";
import { ConversationLog, whenStoreBusy } from "./conversation-log.js";
import { runConversationTurn, type TutorEndpointDeps } from "./conversation-turn.js";
import { CloseWith, type EndpointSpec } from "./socket-endpoint.js";

const CONNECTED = "Connected to Lumina. Ready to start learning!";
const COMPLETED = "Congratulations! You've completed the mission!";

/**
 * `WS /api/v1/mission-ally/ws?mission_id=…`: every turn is bracketed by processing markers, with
 * one `agent_message` per utterance, handovers between Lumina and the sensei, progress updates,
 * and `session_closed` once the mission is complete. `?stream=tokens` adds deltas.
 */
export function allyEndpoint(deps: TutorEndpointDeps<AllyGraph>): EndpointSpec {
  const { store } = deps;
  const agentOf = nodeAgents(deps.graph);

  /** Everything a turn needs, read fresh so profile and mission edits reach the next turn. */
  async function loadContext(
    user: User,
    missionId: string,
    allySessionId: string,
  ): Promise<AllyContext> {
    const [profile, mission, enrollment] = await Promise.all([
      store.users.get(user.id),
      store.missions.get(missionId),
      store.enrollments.get(user.id, missionId),
    ]);
    if (!mission || !enrollment)
      throw new CloseWith(1008, "You are no longer enrolled in this mission");
    return allyContextOf({
      learner: {
        id: user.id,
        name: profile?.name ?? user.name,
        learning_style: profile?.learning_style ?? [],
      },
      mission,
      completedCheckpoints: enrollment.completed_checkpoints,
      allySessionId,
      promptsDir: deps.promptsDir ?? null,
    });
  }

  return whenStoreBusy({
    path: "/api/v1/mission-ally/ws",
    clientSchema: AllyClientFrame,
    textField: "message",
    async open(connection, data, claim) {
      const send = (...frames: AllyServerFrame[]) => connection.send(...frames);
      const user = await authenticateSocket(deps.verifier, store, data);
      const missionId = data.query.get("mission_id");
      if (!missionId) throw new CloseWith(1008, "Missing mission_id");
      const [mission, enrollment] = await Promise.all([
        store.missions.get(missionId),
        store.enrollments.get(user.id, missionId),
      ]);
      if (!mission) throw new CloseWith(1008, "Mission not found");
      if (!enrollment) throw new CloseWith(1008, "You are not enrolled in this mission");
      const allySession = await store.allySessions.getForEnrollment(enrollment.id);
      if (!allySession) throw new CloseWith(1008, "Enrollment session not found");

      const threadId = allyThreadId(enrollment.id);
      if (allySession.status !== "completed") await claim(threadId);
      const { log, values, history } = await ConversationLog.open(
        store.transcripts,
        deps.graph,
        threadId,
      );
      send({ type: "connected", message: CONNECTED });
      if (history.length > 0) {
        send({
          type: "historical_messages",
          messages: history.map((h) => ({ type: h.type, message: h.text })),
        });
      }
      if (allySession.status === "completed") {
        send({ type: "session_closed", message: COMPLETED });
        connection.close(1000, "Mission completed");
        return undefined;
      }
      // Only the first open moves the session on, so a reconnect takes no transaction.
      if (allySession.status === "created") await store.allySessions.markStarted(allySession.id);

      const tokens = data.query.get("stream") === "tokens";
      let finished = false;
      let speaking = String(values.active_agent ?? AGENTS.ally);
      return {
        key: threadId,
        owner: user.id,
        async runTurn(text, fence) {
          if (finished) return;
          send({ type: "agent_processing_start" });
          let closed = false;
          const startingAgent = speaking;
          const failure = await runConversationTurn({
            endpoint: "ally",
            connection,
            log,
            graph: deps.graph,
            text,
            fence,
            context: () => loadContext(user, missionId, allySession.id),
            options: { agentOf, startingAgent, tokens, observer: deps.turns },
            logFields: { enrollment_id: enrollment.id },
            async onEvent(event, turn) {
              if (event.kind === "message") {
                await turn.record(event);
                send({
                  type: "agent_message",
                  id: event.id,
                  agent: event.agent,
                  message: event.text,
                });
              } else if (event.kind === "handover") {
                speaking = event.agent;
                send({
                  type: "agent_handover",
                  agent: event.agent,
                  message: `Handing over to ${event.agent}...`,
                });
              } else if (event.kind === "end") {
                await turn.recordLearner();
              } else if (event.event.type === "checkpoint_update") {
                const { completed_checkpoints, progress } = event.event;
                send({ type: "checkpoint_update", completed_checkpoints, progress });
              } else if (event.event.type === "session_closed") {
                closed = true;
              }
            },
          }).finally(() => send({ type: "agent_processing_end" }));
          if (failure !== undefined) {
            // The thread went back to where the turn started.
            speaking = startingAgent;
            send({ type: "error", message: failure });
          } else if (closed) {
            finished = true;
            send({ type: "session_closed", message: COMPLETED });
            connection.close(1000, "Mission completed");
          }
        },
        async onClose() {},
      };
    },
  });
}
