import { z } from "zod";
import {
  MissionDraftSchema,
  MissionPatchSchema,
  checkpointTitlesProblem,
  type Mission,
} from "../../domain/index.js";
import { signedIn, type AuthContext } from "./authenticate.js";
import { jsonBody, type RequestInfo } from "./handler.js";
import { HttpError, invalidBody } from "./http-error.js";

const MissionCreate = MissionDraftSchema.extend({ is_public: z.boolean().default(true) });

/** The mission the path names, or 404. */
async function pathMission(ctx: AuthContext, req: RequestInfo): Promise<Mission> {
  const id = req.params[0] ?? "";
  const mission = await ctx.store.missions.get(id);
  if (!mission) throw new HttpError(404, `Mission with ID '${id.slice(0, 64)}' not found.`);
  return mission;
}

/** Blank or repeated checkpoint titles are a 400 of their own, whatever else the body holds. */
function checkCheckpointTitles(body: Record<string, unknown>): void {
  const titles = body.byte_size_checkpoints;
  if (!Array.isArray(titles) || !titles.every((t) => typeof t === "string")) return;
  const problem = checkpointTitlesProblem(titles);
  if (problem) throw new HttpError(400, `Invalid field 'byte_size_checkpoints': ${problem}`);
}

/** `POST /api/v1/missions/enrollment`: creates a mission and enrolls its creator, atomically. */
export const createEnrollmentRoute = (ctx: AuthContext) =>
  signedIn(ctx, async (req, user) => {
    const body = jsonBody(req);
    checkCheckpointTitles(body);
    const parsed = MissionCreate.safeParse(body);
    if (!parsed.success) throw invalidBody(parsed.error);
    const created = await ctx.store.missions.createWithEnrollment({
      draft: parsed.data,
      creatorId: user.id,
    });
    return {
      status: 201,
      body: {
        mission: created.mission,
        enrollment: created.enrollment,
        enrollment_session_log: created.allySession,
      },
    };
  });

/** `GET /api/v1/missions/{id}`: for its creator, or for anyone when it is public. */
export const getMissionRoute = (ctx: AuthContext) =>
  signedIn(ctx, async (req, user) => {
    const mission = await pathMission(ctx, req);
    if (!mission.is_public && mission.creator_id !== user.id) {
      throw new HttpError(403, "You don't have permission to view this mission.");
    }
    return { status: 200, body: mission };
  });

/** `PATCH /api/v1/missions/{id}`: creator only; title, description and skills reach dashboards. */
export const patchMissionRoute = (ctx: AuthContext) =>
  signedIn(ctx, async (req, user) => {
    const parsed = MissionPatchSchema.safeParse(jsonBody(req));
    if (!parsed.success) throw invalidBody(parsed.error);
    const mission = await pathMission(ctx, req);
    if (mission.creator_id !== user.id)
      throw new HttpError(403, "Only the mission creator can update this mission");
    return { status: 200, body: await ctx.store.missions.update(mission.id, parsed.data) };
  });
