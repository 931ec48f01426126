import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ModelPlan } from "../../evals/runner/models.js";
import { openJudge } from "../../evals/scorers/index.js";
import { scoreJudge } from "../../evals/scorers/judge.js";

// The judge's Gemini is the one fake here: a stand-in that scores 5 when the wrap-up happened and
// 2 otherwise, answering the structured-output request the real client sends.

interface SeenRequest {
  system: string;
  text: string;
  schema: unknown;
}

let server: Server;
let upstream: string;
const seen: SeenRequest[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const request = JSON.parse(body) as {
        systemInstruction: { parts: { text: string }[] };
        contents: { parts: { text: string }[] }[];
        generationConfig: { responseSchema?: unknown };
      };
      const text = request.contents.flatMap((c) => c.parts.map((p) => p.text)).join("");
      seen.push({
        system: request.systemInstruction.parts[0]!.text,
        text,
        schema: request.generationConfig.responseSchema,
      });
      const verdict = text.includes("Congratulations")
        ? { score: 5, reasoning: "Lumina wraps up by name." }
        : { score: 2, reasoning: "The mission never ends." };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          candidates: [
            {
              content: { role: "model", parts: [{ text: JSON.stringify(verdict) }] },
              finishReason: "STOP",
              index: 0,
            },
          ],
          usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function plan(mode: ModelPlan["mode"], extra: Partial<ModelPlan> = {}): ModelPlan {
  return {
    mode,
    settings: {},
    judgeModel: "gemini-2.5-flash",
    learnerModel: "gemini-2.5-flash",
    stop: async () => undefined,
    ...extra,
  };
}

const RUBRIC = "Lumina congratulates the learner by name at the end.";
const input = (transcript: string) => ({
  agent: "Mission Ally",
  rubric: RUBRIC,
  minScore: 4,
  transcript,
});
const HAPPY = "Learner: I feel confident\n\nmission_ally: Congratulations, Ada!";

describe("LLM judge scorer", () => {
  it("is skipped, and says why, without a Gemini key or a recorded judge", async () => {
    const noKey = await openJudge(plan("scripted"), "/nowhere.judge.json");
    expect(await scoreJudge(noKey, input(HAPPY))).toEqual({
      name: "judge",
      status: "skipped",
      failures: [],
      note: "no GOOGLE_API_KEY",
    });
    const noCassette = await openJudge(plan("replay"), "/nowhere.judge.json");
    expect((await scoreJudge(noCassette, input(HAPPY))).note).toBe(
      "no recorded judge answers at /nowhere.judge.json",
    );
  });

  it("records the judge's structured verdict, then replays it without asking again", async () => {
    const cassette = join(mkdtempSync(join(tmpdir(), "judge-")), "case.judge.json");
    const recording = await openJudge(
      plan("gemini", { apiKey: "key", upstream: { baseUrl: upstream, apiKey: "key" } }),
      cassette,
    );
    const recorded = await scoreJudge(recording, input(HAPPY));
    await recording.stop();
    expect(recorded).toEqual({
      name: "judge",
      status: "pass",
      failures: [],
      score: 5,
      note: "Lumina wraps up by name.",
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.system).toContain(RUBRIC);
    expect(seen[0]!.system).toContain("(Mission Ally)");
    expect(seen[0]!.text).toContain("mission_ally: Congratulations, Ada!");
    expect(seen[0]!.schema).toMatchObject({ type: "object", required: ["score", "reasoning"] });

    const replaying = await openJudge(plan("replay"), cassette);
    expect(await scoreJudge(replaying, input(HAPPY))).toEqual(recorded);
    const unrecorded = await scoreJudge(replaying, input("Learner: hello"));
    await replaying.stop();
    expect(unrecorded.status).toBe("fail");
    expect(unrecorded.failures[0]).toMatch(
      /^the judge could not answer: .*No recorded Gemini response/,
    );
    expect(seen).toHaveLength(1);
  });

  it("fails a conversation scored below the case's minimum, with the judge's reasoning", async () => {
    const cassette = join(mkdtempSync(join(tmpdir(), "judge-")), "case.judge.json");
    const recording = await openJudge(
      plan("gemini", { apiKey: "key", upstream: { baseUrl: upstream, apiKey: "key" } }),
      cassette,
    );
    const result = await scoreJudge(
      recording,
      input("Learner: hi\n\nmission_ally: Does that fit?"),
    );
    await recording.stop();
    expect(result).toEqual({
      name: "judge",
      status: "fail",
      failures: ["scored 2, below 4: The mission never ends."],
      score: 2,
      note: "The mission never ends.",
    });
  });
});
