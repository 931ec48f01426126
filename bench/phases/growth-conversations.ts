import type { AgentName } from "../clients/agent-socket.js";
import { mustTurn, openConversation, type Conversation } from "../clients/conversation.js";
import { allyChatLine, commanderLine } from "../clients/learner-lines.js";
import { profileDuring, type ProfileSummary } from "../measure/cpu-profile.js";
import { CLOCK_TICKS, sampleTree } from "../measure/process-tree.js";
import type { ProductServer } from "../targets/product-server.js";

/** Conversations that can go on for ever: an interview never confirmed, a briefing never agreed to. */
export const GROWTH_LINES: Record<AgentName, (turn: number) => string> = {
  commander: commanderLine,
  ally: allyChatLine,
};

/** The early turns timed: turns 3–7, whose mean stands for turn 5. */
export const EARLY = { first: 3, last: 7, conversations: 10 };
const CURVE_STEP = 10;

const cpuMs = (ticks: number) => (ticks * 1000) / CLOCK_TICKS;

let learners = 0;
const newLearner = (server: ProductServer, agent: AgentName) =>
  server.api.login(`bench-growth-${agent}-${++learners}@example.com`);

/**
 * Server CPU per turn around turn 5: the CPU of turns 3–7 of several new conversations, one after
 * another like the long one, divided by the number of turns (a clock tick is 10 ms; one turn alone
 * takes less).
 */
export async function earlyTurnCost(server: ProductServer, agent: AgentName): Promise<number> {
  const learner = await newLearner(server, agent);
  const line = GROWTH_LINES[agent];
  let ticks = 0;
  for (let n = 0; n < EARLY.conversations; n++) {
    const conversation = await openConversation(server, agent, learner);
    try {
      let before = 0;
      for (let turn = 0; turn < EARLY.last; turn++) {
        if (turn === EARLY.first - 1) before = sampleTree(server.pid).ticks;
        await mustTurn(conversation, line(turn), turn + 1);
      }
      ticks += sampleTree(server.pid).ticks - before;
    } finally {
      await conversation.socket.close();
    }
  }
  return cpuMs(ticks) / (EARLY.conversations * (EARLY.last - EARLY.first + 1));
}

export interface LongConversation {
  threadId: string;
  /** Server CPU per turn over the last `window` turns. */
  lateMsPerTurn: number;
  /** Server CPU per turn, per block of ten turns: how the cost grows. */
  curveMsPerTurn: number[];
  latencyMs: number[];
  profile?: ProfileSummary;
}

/**
 * One conversation to `turns` turns, timing the CPU of the last `window` of them; with
 * `profileFile`, a CPU profile of those last turns instead.
 */
export async function longConversation(
  server: ProductServer,
  agent: AgentName,
  turns: number,
  window: number,
  log: (line: string) => void,
  profileFile?: string,
): Promise<LongConversation> {
  const conversation: Conversation = await openConversation(
    server,
    agent,
    await newLearner(server, agent),
  );
  const line = GROWTH_LINES[agent];
  const latencyMs: number[] = [];
  const curveMsPerTurn: number[] = [];
  const say = async (turn: number) =>
    latencyMs.push((await mustTurn(conversation, line(turn), turn + 1)).ms);
  try {
    const lateFrom = turns - window;
    let blockStart = sampleTree(server.pid).ticks;
    let lateStart = blockStart;
    for (let turn = 0; turn < lateFrom; turn++) {
      await say(turn);
      if ((turn + 1) % CURVE_STEP === 0) {
        const now = sampleTree(server.pid).ticks;
        curveMsPerTurn.push(cpuMs(now - blockStart) / CURVE_STEP);
        blockStart = now;
      }
      if ((turn + 1) % 100 === 0) log(`    ${agent}: ${turn + 1} turns`);
    }
    const late = async () => {
      lateStart = sampleTree(server.pid).ticks;
      for (let turn = lateFrom; turn < turns; turn++) await say(turn);
    };
    if (profileFile) {
      const profile = await profileDuring(server, profileFile, late);
      return {
        threadId: conversation.threadId,
        lateMsPerTurn: NaN,
        curveMsPerTurn,
        latencyMs,
        profile,
      };
    }
    await late();
    const lateMsPerTurn = cpuMs(sampleTree(server.pid).ticks - lateStart) / window;
    return { threadId: conversation.threadId, lateMsPerTurn, curveMsPerTurn, latencyMs };
  } finally {
    await conversation.socket.close();
  }
}
