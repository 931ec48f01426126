import { z } from "zod";
import { allyContextOf, type AllyContext, type CommanderContext } from "../../domain/index.js";
import type { Store } from "../../store/index.js";
import type { Demo } from "./demo.js";

// What a Studio run names in its context: who, and which session or mission, the way a client
// names them when it connects. The rest of the graph's run-time context is read from the store, as
// the server reads it for a turn. Every field has a default, so an empty form runs on the demo.

const promptsDir = z
  .string()
  .nullable()
  .default(null)
  .describe(
    "Another copy of prompts/ to render the agents' prompts from; empty for the shipped ones",
  );

export function studioContextSchemas(demo: Demo) {
  const learner = z
    .string()
    .default(demo.learner.id)
    .describe(`The learner, a user in the Studio store: "${demo.learner.id}" is the demo learner`);
  return {
    mission_commander: z.object({
      user_id: learner,
      session_id: z
        .string()
        .nullable()
        .default(null)
        .describe(
          "The learner's Commander session that the new mission completes; empty for a new session on each thread",
        ),
      prompts_dir: promptsDir,
    }),
    mission_ally: z.object({
      user_id: learner,
      mission_id: z
        .string()
        .default(demo.mission.id)
        .describe(
          `A mission the learner is enrolled in: "${demo.mission.id}" is the demo mission, "${demo.mission.title}"; a mission the Commander created in Studio works too`,
        ),
      prompts_dir: promptsDir,
    }),
  };
}

export type StudioContextSchemas = ReturnType<typeof studioContextSchemas>;

/** A run's context that cannot be used, said in a sentence Studio shows as the run's error. */
export class StudioContextError extends Error {
  override name = "StudioContextError";
}

type RunConfig = { configurable?: Record<string, unknown> };

/**
 * The form as the run gives it: its context, over its configurable values, which is where a
 * client that knows only `config` puts them (LangGraph itself reads them there when a run has no
 * context).
 */
function parse<S extends z.ZodType>(schema: S, context: unknown, config: RunConfig): z.output<S> {
  const given = typeof context === "object" && context !== null ? context : {};
  const parsed = schema.safeParse({ ...config.configurable, ...given });
  if (parsed.success) return parsed.data;
  throw new StudioContextError(`The run's context is not valid:\n${z.prettifyError(parsed.error)}`);
}

async function learnerOf(store: Store, userId: string) {
  const user = await store.users.get(userId);
  if (!user) throw new StudioContextError(`There is no user "${userId}" in the Studio store.`);
  return user;
}

const threadOf = (config: RunConfig) =>
  typeof config.configurable?.thread_id === "string" ? config.configurable.thread_id : undefined;

/** Completes a Commander run's context: the learner's name, and a session for the thread. */
export function commanderContext(store: Store, schemas: StudioContextSchemas) {
  const threadSessions = new Map<string, string>();
  return async (context: unknown, config: RunConfig): Promise<CommanderContext> => {
    const form = parse(schemas.mission_commander, context, config);
    const user = await learnerOf(store, form.user_id);
    const thread = threadOf(config);
    const sessionId = form.session_id || (thread && threadSessions.get(thread));
    const session = sessionId
      ? await store.commanderSessions.get(sessionId)
      : await store.commanderSessions.create(user.id);
    if (!session) throw new StudioContextError(`There is no Commander session "${sessionId}".`);
    if (session.user_id !== user.id) {
      throw new StudioContextError(`Commander session "${session.id}" belongs to another user.`);
    }
    if (thread && !form.session_id) threadSessions.set(thread, session.id);
    return {
      user_id: user.id,
      session_id: session.id,
      learner_name: user.name || "there",
      prompts_dir: form.prompts_dir || null,
    };
  };
}

/** Completes an Ally run's context from the learner, the mission and the enrollment, as stored. */
export function allyContext(store: Store, schemas: StudioContextSchemas) {
  return async (context: unknown, config: RunConfig): Promise<AllyContext> => {
    const form = parse(schemas.mission_ally, context, config);
    const user = await learnerOf(store, form.user_id);
    const [mission, enrollment] = await Promise.all([
      store.missions.get(form.mission_id),
      store.enrollments.get(user.id, form.mission_id),
    ]);
    if (!mission) throw new StudioContextError(`There is no mission "${form.mission_id}".`);
    const allySession = enrollment && (await store.allySessions.getForEnrollment(enrollment.id));
    if (!enrollment || !allySession) {
      throw new StudioContextError(
        `User "${user.id}" is not enrolled in mission "${mission.id}" ("${mission.title}").`,
      );
    }
    return allyContextOf({
      learner: user,
      mission,
      completedCheckpoints: enrollment.completed_checkpoints,
      allySessionId: allySession.id,
      promptsDir: form.prompts_dir || null,
    });
  };
}
