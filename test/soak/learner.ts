import { learnerReply } from "../support/ally-learner.js";
import { SEED_INTERVIEW } from "../support/seed-interview.js";
import { TestSocket, type Frame } from "../support/ws-client.js";

/** What one conversation's learner sent and saw, to hold its history against. */
export class ConversationRecord {
  /** Learner messages that got a reply, or showed one before failing. */
  readonly answered = new Map<string, number>();
  /** Learner messages whose turn the learner never heard the end of (the server died). */
  readonly uncertain = new Map<string, number>();
  /** Agent messages the learner was shown. */
  readonly received = new Map<string, number>();
  lost = 0;
  duplicated = 0;

  /** Holds a history just received against the record; keeps the worst seen. */
  check(history: { role: "user" | "agent"; text: string }[]): void {
    const inHistory = (role: string, text: string) =>
      history.filter((line) => line.role === role && line.text === text).length;
    let lost = 0;
    let duplicated = 0;
    for (const [text, count] of this.received)
      lost += Math.max(0, count - inHistory("agent", text));
    for (const [text, count] of this.answered) lost += Math.max(0, count - inHistory("user", text));
    const learnerTexts = new Set(history.filter((l) => l.role === "user").map((l) => l.text));
    for (const text of learnerTexts) {
      const allowed = (this.answered.get(text) ?? 0) + (this.uncertain.get(text) ?? 0);
      duplicated += Math.max(0, inHistory("user", text) - allowed);
    }
    // A reply saved twice shows up as the same message twice in a row.
    history.forEach((line, i) => {
      const previous = history[i - 1];
      if (line.role === "agent" && previous?.role === "agent" && previous.text === line.text)
        duplicated += 1;
    });
    this.lost = Math.max(this.lost, lost);
    this.duplicated = Math.max(this.duplicated, duplicated);
  }
}

const bump = (counts: Map<string, number>, text: string) =>
  counts.set(text, (counts.get(text) ?? 0) + 1);

const BUSY = /taking longer than usual|is busy right now/;
const SHOWN = /What you have seen is saved/;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An `error` answering a message the server did not take: refused at once, or shutting down. */
const refused = (frame: Frame) =>
  frame.type === "error" &&
  (frame.code !== undefined || /shutting down/.test(String(frame.message)));

/**
 * Handles a refusal: waits and says to send again (`true`), or, when the server is going away,
 * waits for the socket to close (`false`).
 */
async function afterRefusal(frame: Frame, socket: TestSocket): Promise<boolean> {
  if (frame.code === "busy" || frame.code === "rate_limited" || frame.code === "queue_full") {
    await pause(Number(frame.retry_after_ms ?? 1_000));
    return true;
  }
  await Promise.race([socket.closed, pause(30_000)]);
  return false;
}

export type LearnerStage = "interview" | "lesson" | "done";

export interface LearnerLimits {
  /** Messages the interview may take before the learner counts as stuck. */
  interviewMessages: number;
  /** Messages the lesson may take before the learner counts as stuck. */
  lessonMessages: number;
}

/**
 * A learner who plans a mission with the Commander and then works through it with the Ally, over
 * real sockets, through every kill and restart of the server. Each connection checks the history
 * it is sent against what this learner sent and saw.
 */
export class SoakLearner {
  stage: LearnerStage = "interview";
  missionId: string | undefined;
  readonly interview = new ConversationRecord();
  readonly lesson = new ConversationRecord();
  sent = 0;
  errors = 0;
  private interviewSent = 0;
  private lessonSent = 0;
  /** Interview answers the conversation holds. */
  private interviewStep = 0;
  private socket: TestSocket | undefined;

  constructor(
    readonly email: string,
    private readonly limits: LearnerLimits,
  ) {}

  token = "";
  uid = "";
  sessionId = "";

  get stuck(): boolean {
    return (
      (this.stage === "interview" && this.interviewSent >= this.limits.interviewMessages) ||
      (this.stage === "lesson" && this.lessonSent >= this.limits.lessonMessages)
    );
  }

  /** Signs in and starts an interview, once. */
  async begin(http: string): Promise<void> {
    const login = await fetch(`${http}/api/v1/auth/dev-login`, {
      method: "POST",
      body: JSON.stringify({ email: this.email, name: "Soak" }),
    });
    ({ token: this.token, uid: this.uid } = (await login.json()) as { token: string; uid: string });
    if (this.sessionId) return;
    const res = await fetch(`${http}/api/v1/sessions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${this.token}` },
    });
    this.sessionId = ((await res.json()) as { session_id: string }).session_id;
  }

  /**
   * Talks until the server goes away, the learner is done or stuck, or `stop()` is called. Returns
   * normally when the connection drops: the server was killed.
   */
  async run(ws: string, stopped: () => boolean): Promise<void> {
    while (!stopped() && !this.finished && !this.stuck) {
      const stage = this.stage;
      const socket = await this.connect(ws);
      if (socket && this.stage === "interview") await this.interviewTurns(socket, stopped);
      else if (socket && this.stage === "lesson") await this.lessonTurns(socket, stopped);
      if (socket?.closeCode === undefined) socket?.close();
      // Moving on to the lesson reconnects; anything else means the server went away, or stop.
      if (this.stage === stage) return;
    }
  }

  get finished(): boolean {
    return this.stage === "done";
  }

  /** Where the learner got to, and the last frames it saw. */
  describe(): string {
    const frames = (this.socket?.frames ?? [])
      .slice(-6)
      .map((f) => `${f.type}${f.message ? `: ${String(f.message).slice(0, 80)}` : ""}`);
    return `${this.email} ${this.stage}, ${this.interviewSent} interview and ${this.lessonSent} lesson messages; last frames: ${JSON.stringify(frames)}`;
  }

  /** Drops the connection at once, as a crash does. */
  drop(): void {
    this.socket?.terminate();
  }

  private async connect(ws: string): Promise<TestSocket | undefined> {
    const path =
      this.stage === "interview"
        ? `/api/v1/mission-commander/ws?session_id=${this.sessionId}`
        : `/api/v1/mission-ally/ws?mission_id=${this.missionId}`;
    const socket = new TestSocket(`${ws}${path}&token=${this.token}`);
    this.socket = socket;
    try {
      await socket.opened;
      await socket.waitFor("connected", 0, 30_000);
      await socket.settle(30_000);
    } catch {
      socket.terminate();
      return undefined;
    }
    const history = socket.frames.find((f) => f.type === "historical_messages");
    const lines = ((history?.messages ?? []) as { type: string; message: string }[]).map((m) => ({
      role: m.type === "user_message" ? ("user" as const) : ("agent" as const),
      text: m.message,
    }));
    (this.stage === "interview" ? this.interview : this.lesson).check(lines);
    if (this.stage === "interview") {
      this.interviewStep = lines.filter((line) => line.role === "user").length;
    }
    const created = socket.frames.find((f) => f.type === "mission_created");
    if (created) this.missionCreated(created);
    if (socket.frames.some((f) => f.type === "session_closed")) this.stage = "done";
    return socket.closeCode === undefined ? socket : undefined;
  }

  private missionCreated(frame: Frame): void {
    this.missionId = (frame.mission as { id: string }).id;
    this.stage = "lesson";
  }

  /** The seed interview: the next answer the history does not hold yet, then the confirmation. */
  private async interviewTurns(socket: TestSocket, stopped: () => boolean): Promise<void> {
    while (!stopped() && this.stage === "interview" && !this.stuck) {
      const content = SEED_INTERVIEW[Math.min(this.interviewStep, SEED_INTERVIEW.length - 1)]!;
      const from = socket.frames.length;
      socket.send({ type: "user_message", content });
      this.sent += 1;
      this.interviewSent += 1;
      let reply: Frame | undefined;
      try {
        reply = (await socket.waitForFrames(from + 1, 60_000))[from];
      } catch {
        reply = undefined;
      }
      if (!reply) {
        bump(this.interview.uncertain, content);
        return;
      }
      if (refused(reply)) {
        this.interviewSent -= 1;
        if (await afterRefusal(reply, socket)) continue;
        return;
      }
      if (reply.type === "error") {
        this.errors += 1;
        await pause(BUSY.test(String(reply.message)) ? 2_000 : 200);
        continue;
      }
      bump(this.interview.answered, content);
      this.interviewStep += 1;
      if (reply.type === "agent_message") bump(this.interview.received, String(reply.message));
      if (reply.type === "mission_created") {
        this.missionCreated(reply);
        await socket.closed;
        return;
      }
    }
  }

  /** Lesson turns, answering as the test learner does, until the session closes. */
  private async lessonTurns(socket: TestSocket, stopped: () => boolean): Promise<void> {
    while (!stopped() && this.stage === "lesson" && !this.stuck) {
      const message = learnerReply(socket.frames);
      const from = socket.frames.length;
      socket.send({ type: "user_message", message });
      this.sent += 1;
      this.lessonSent += 1;
      try {
        await socket.waitUntil(
          () =>
            socket.closeCode !== undefined ||
            socket.frames.slice(from).some((f) => f.type === "agent_processing_end" || refused(f)),
          60_000,
        );
        await socket.settle(30_000);
      } catch {
        // The server died mid-turn.
      }
      const frames = socket.frames.slice(from);
      const refusal = frames[0] && refused(frames[0]) ? frames[0] : undefined;
      if (refusal) {
        this.lessonSent -= 1;
        if (await afterRefusal(refusal, socket)) continue;
        return;
      }
      const shown = frames.filter((f) => f.type === "agent_message");
      for (const f of shown) bump(this.lesson.received, String(f.message));
      if (!frames.some((f) => f.type === "agent_processing_end")) {
        // The server died mid-turn: a reply shown was saved with the message; else who knows.
        bump(shown.length > 0 ? this.lesson.answered : this.lesson.uncertain, message);
        return;
      }
      const error = frames.find((f) => f.type === "error");
      if (error) {
        this.errors += 1;
        if (SHOWN.test(String(error.message))) bump(this.lesson.answered, message);
        else await pause(BUSY.test(String(error.message)) ? 2_000 : 200);
        continue;
      }
      bump(this.lesson.answered, message);
      if (frames.some((f) => f.type === "session_closed")) {
        this.stage = "done";
        return;
      }
    }
  }
}
