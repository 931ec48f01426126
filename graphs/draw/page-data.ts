// What a graph page hands its script, as JSON in the page's `#graph-data` block. The browser
// script imports these types too, so this file imports nothing.

export type Utterance =
  | { kind: "say"; text: string }
  | { kind: "tool_call"; name: string; args: string }
  | { kind: "tool_result"; text: string };

export interface StepData {
  /** The node as the xray drawing names it. */
  node: string;
  agent?: string;
  /** Control passed to this step's agent from another one. */
  handover?: { from: string; to: string };
  said: Utterance[];
}

export interface TurnData {
  learner: string;
  /** When the turn ended, as an ISO timestamp. */
  at?: string;
  /** The Mermaid ids of the nodes and edges the turn went through; empty when unrecorded. */
  route: { nodes: string[]; edges: string[] };
  steps: StepData[];
  /** What the turn added that no recorded step accounts for. */
  unattributed: Utterance[];
  /** The graph's state once the turn was over, the transcript left out. */
  state?: Record<string, unknown>;
}

/** What the page needs to fork the conversation; absent when the server does not fork. */
export interface ForkData {
  /** The conversation's thread, as `POST /graphs/fork` takes it. */
  thread: string;
  /** The graph's prompt files and their shipped text, to edit one for the fork. */
  prompts: Record<string, string>;
  /** Whether a fork may name a prompts folder on the server (local sign-in only). */
  promptsFolder: boolean;
}

export interface ConversationData {
  label: string;
  /** The mission's checkpoint titles, where the conversation follows a mission. */
  checkpoints?: string[];
  turns: TurnData[];
  fork?: ForkData;
}

export interface PageData {
  mermaid: string;
  /** Where to import Mermaid's ES module from; absent when the page carries Mermaid inline. */
  mermaidModule?: string;
  conversation?: ConversationData;
}
