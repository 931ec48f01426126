import { mustTurn, openConversation } from "../clients/conversation.js";
import { allyChatLine } from "../clients/learner-lines.js";
import { startScriptedGemini, type ScriptedGeminiCall } from "../../evals/gemini-replay/index.js";
import { num, type Row } from "../report/results.js";
import { startProductServer } from "../targets/product-server.js";
import type { Phase } from "./phase.js";

const GOAL = 1.5;

interface TurnInput {
  tokens: number;
  /** The longest conversation any of the turn's model calls sent. */
  contents: number;
  bytes: number;
  calls: number;
}

/**
 * What a long Ally session sends the model: the product on the Gemini client, pointed at a local
 * stand-in for the Gemini API that answers as the scripted tutor and counts each request's input
 * tokens. The conversation is deterministic, so it runs once.
 */
export const tokensPhase: Phase = {
  name: "tokens",
  title: "Model input per Ally turn, against a fake Gemini",
  async run(ctx) {
    const { tokenTurns: turns, tokenEarlyTurn: early } = ctx.sizes;
    let calls: ScriptedGeminiCall[] = [];
    const gemini = await startScriptedGemini({ onCall: (call) => calls.push(call) });
    const server = await startProductServer({
      env: {
        GOOGLE_API_KEY: "bench-fake-key",
        GEMINI_BASE_URL: gemini.url,
        GEMINI_MAX_RETRIES: "0",
        ...ctx.options.serverEnv,
      },
    });
    try {
      const learner = await server.api.login("bench-tokens@example.com");
      const conversation = await openConversation(server, "ally", learner);
      const inputs: TurnInput[] = [];
      for (let turn = 0; turn < turns; turn++) {
        calls = [];
        await mustTurn(conversation, allyChatLine(turn), turn + 1);
        inputs.push({
          tokens: calls.reduce((sum, c) => sum + c.promptTokens, 0),
          contents: Math.max(0, ...calls.map((c) => c.contents)),
          bytes: calls.reduce((sum, c) => sum + c.requestBytes, 0),
          calls: calls.length,
        });
        if ((turn + 1) % 100 === 0) ctx.log(`    ${turn + 1} turns`);
      }
      await conversation.socket.close();
      const at = (turn: number) => inputs[turn - 1]!;
      const ratio = at(turns).tokens / at(early).tokens;
      const row: Row = {
        figure: `model input tokens per Ally turn, turn ${turns} vs turn ${early} (fake Gemini)`,
        value: `turn ${turns}: ${at(turns).tokens} tokens`,
        anchor: `turn ${early}: ${at(early).tokens} tokens`,
        ratio: `${num(ratio)}×`,
        goal: `≤ ${GOAL}×`,
        met: ratio <= GOAL,
        notes: [
          `the requests of turn ${turns} carried up to ${at(turns).contents} conversation entries (${num(at(turns).bytes / 1024)} KB) against ${at(early).contents} (${num(at(early).bytes / 1024)} KB) at turn ${early}`,
        ],
        data: { turns, early, inputs },
      };
      return {
        rows: [row],
        notes: [
          "A greeting, then off-topic questions; tokens are counted as the scripted tutor counts them (words), over every model call of the turn. One run: the figures are deterministic.",
        ],
      };
    } finally {
      await server.stop();
      await gemini.stop();
    }
  },
};
