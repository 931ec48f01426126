import { nodeAgents, type CommanderGraph } from "../../graphs/index.js";
import {
  AGENTS,
  commanderThreadId,
  type CommanderContext,
  type Enrollment,
  type Mission,
} from "../../domain/index.js";
import type { Store } from "../../store/index.js";
import { CommanderClientFrame, type CommanderServerFrame } from "../protocol/index.js";
import { authenticateSocket } from "./authenticate-socket.js";
import type { Connection } from "./connection.js";
import { ConversationLog, whenStoreBusy, type Reply } from "./conversation-log.js";
import { runConversationTurn, type TutorEndpointDeps } from "./conversation-turn.js";
import { CloseWith, type EndpointSpec } from "./socket-endpoint.js";

const CONNECTED = "Connected to Mission Commander. Starting your learning journey...";
const CREATED = "Mission created successfully!";
const CURATING = "Creating your personalized learning mission...";
const NO_REPLY = "I couldn't come up with a reply to that. Could you rephrase it?";

const missionCreated = (mission: Mission, enrollment: Enrollment): CommanderServerFrame => ({
  type: "mission_created",
  message: CREATED,
  mission,
  enrollment,
});

/**
 * `WS /api/v1/mission-commander/ws?session_id=…`. By default every `user_message` gets exactly one
 * frame back (`agent_message`, `mission_created` or `error`); `?events=all` adds processing
 * markers and the curator handover, `?stream=tokens` adds deltas.
 */
export function commanderEndpoint(deps: TutorEndpointDeps<CommanderGraph>): EndpointSpec {
  const agentOf = nodeAgents(deps.graph);
  return whenStoreBusy({
    path: "/api/v1/mission-commander/ws",
    clientSchema: CommanderClientFrame,
    textField: "content",
    async open(connection, data, claim) {
      const send = (frame: CommanderServerFrame) => connection.send(frame);
      const user = await authenticateSocket(deps.verifier, deps.store, data);
      const sessionId = data.query.get("session_id");
      if (!sessionId) throw new CloseWith(1008, "Missing session_id");
      const session = await deps.store.commanderSessions.get(sessionId);
      if (!session) throw new CloseWith(1008, "Invalid session");
      if (session.user_id !== user.id) throw new CloseWith(1008, "Session user mismatch");

      const context: CommanderContext = {
        user_id: user.id,
        session_id: session.id,
        learner_name: user.name || "there",
        prompts_dir: deps.promptsDir ?? null,
      };
      const threadId = commanderThreadId(session.id);
      const finishedAlready = session.status === "completed" && session.mission_id;
      if (!finishedAlready) await claim(threadId);
      const { log, history } = await ConversationLog.open(
        deps.store.transcripts,
        deps.graph,
        threadId,
      );
      const resuming = session.status === "abandoned" || session.status === "error";
      if (resuming) await deps.store.commanderSessions.setStatus(session.id, "active");
      send({ type: "connected", message: CONNECTED });
      if (history.length > 0) {
        send({
          type: "historical_messages",
          messages: history.map((h) => ({ type: h.type, content: h.text, message: h.text })),
        });
      }
      if (finishedAlready) {
        await closeWithMission(connection, deps.store, user.id, finishedAlready);
        return undefined;
      }

      const allEvents = data.query.get("events") === "all";
      const tokens = data.query.get("stream") === "tokens";
      let finished = false;
      return {
        key: threadId,
        owner: user.id,
        async runTurn(text, fence) {
          if (finished) return;
          if (allEvents) send({ type: "agent_processing_start" });
          const replies: Reply[] = [];
          let created: CommanderServerFrame | undefined;
          const failure = await runConversationTurn({
            endpoint: "commander",
            connection,
            log,
            graph: deps.graph,
            text,
            fence,
            context: () => context,
            options: { agentOf, startingAgent: AGENTS.polaris, tokens, observer: deps.turns },
            logFields: { session_id: session.id },
            async onEvent(event, turn) {
              if (event.kind === "message" && !allEvents) {
                replies.push(event);
              } else if (event.kind === "message") {
                await turn.record(event);
                send({
                  type: "agent_message",
                  id: event.id,
                  content: event.text,
                  message: event.text,
                });
              } else if (event.kind === "handover" && allEvents) {
                send({ type: "agent_handover", agent: event.agent, message: CURATING });
              } else if (event.kind === "app" && event.event.type === "mission_created") {
                created = missionCreated(event.event.mission, event.event.enrollment);
              } else if (event.kind === "end") {
                // By default the learner sees one reply, the turn's messages joined.
                const [first] = replies;
                if (first && !created) {
                  await turn.record({ ...first, text: replies.map((r) => r.text).join("\n\n") });
                } else await turn.recordLearner();
              }
            },
          });
          if (allEvents) send({ type: "agent_processing_end" });
          if (failure !== undefined) {
            send({ type: "error", message: failure });
          } else if (created) {
            finished = true;
            send(created);
            connection.close(1000, "Mission created");
          } else if (!allEvents) {
            const [first] = replies;
            const reply = replies.map((r) => r.text).join("\n\n");
            send(
              first
                ? { type: "agent_message", id: first.id, content: reply, message: reply }
                : { type: "error", message: NO_REPLY },
            );
          }
        },
        async onClose() {
          const latest = await deps.store.commanderSessions.get(session.id);
          if (latest?.status === "active")
            await deps.store.commanderSessions.setStatus(session.id, "abandoned");
        },
      };
    },
  });
}

/** A reconnect after the mission exists replays `mission_created` and closes, as the first time. */
async function closeWithMission(
  connection: Connection,
  store: Store,
  userId: string,
  missionId: string,
) {
  const [mission, enrollment] = await Promise.all([
    store.missions.get(missionId),
    store.enrollments.get(userId, missionId),
  ]);
  if (!mission || !enrollment)
    throw new Error(`mission ${missionId} of a completed session is missing`);
  connection.send(missionCreated(mission, enrollment));
  connection.close(1000, "Mission created");
}
