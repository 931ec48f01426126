import type { BindToolsInput } from "@langchain/core/language_models/chat_models";
import type { AgentName } from "../../domain/index.js";
import { AllyState } from "../../graphs/ally/index.js";
import { CommanderState } from "../../graphs/commander/index.js";
import { buildGraphs, drawGraph, type ModelFactory } from "../../graphs/index.js";
import { createGrounding } from "../../graphs/models/grounding.js";
import { ScriptedChatModel } from "../../graphs/models/index.js";
import { toToolDefinition } from "../../graphs/models/offline/tool-definitions.js";
import { AllyServerFrame, CommanderServerFrame } from "../../server/protocol/index.js";
import { openSqliteStore } from "../../store/index.js";

/**
 * The names a case's rules may use for one graph, read from the compiled graph itself: its
 * drawing (nodes and the agents they speak for), the tools its agents' models are bound to (with
 * their arguments), its state channels, and the frames its socket sends. A rule naming anything
 * else could never match.
 */
export interface Vocabulary {
  graph: string;
  agents: Set<string>;
  /** Nodes as the turn paths name them: `lumina`, `mission_sensei:teach`. */
  nodes: Set<string>;
  /** Each tool the agents can call, with its arguments' JSON schemas by name. */
  tools: Map<string, Map<string, ArgumentSchema>>;
  /** Keys of the graph state a case can read (the transcript and turn path are read elsewhere). */
  state: Set<string>;
  /** The schema of each state field, for the paths into it (`goal.level`). */
  stateSchemas: Map<string, unknown>;
  frames: Set<string>;
}

/** What a tool's argument can be, as far as a case's rule can tell it: its JSON type and values. */
export interface ArgumentSchema {
  type?: unknown;
  enum?: unknown[];
}

export type Vocabularies = Record<"commander" | "ally", Vocabulary>;

/** Thread values the trace leaves out: it holds the transcript and the turn paths turn by turn. */
export const TRACED_ELSEWHERE = new Set(["messages", "turn_path"]);

/**
 * Scripted models that note every tool their graph binds them to, per agent: the LangChain tools,
 * not the schemas structured output binds as a function (its answer never becomes a tool call in
 * the conversation).
 */
function recordingModels(bound: Map<AgentName, BindToolsInput[]>): ModelFactory {
  const isTool = (input: BindToolsInput) =>
    typeof (input as { invoke?: unknown }).invoke === "function";
  class Recording extends ScriptedChatModel {
    override bindTools(tools: BindToolsInput[], kwargs?: object) {
      bound.set(this.agent, [...(bound.get(this.agent) ?? []), ...tools.filter(isTool)]);
      return super.bindTools(tools, kwargs);
    }
  }
  return {
    kind: "scripted",
    describe: () => "vocabulary",
    forAgent: (agent) => new Recording({ agent }),
    // Every optional tool too, so a case may name it.
    grounding: createGrounding({ googleSearch: false, youtube: { apiKey: "vocabulary" } }),
  };
}

function toolsOf(inputs: BindToolsInput[]): Map<string, Map<string, ArgumentSchema>> {
  const tools = new Map<string, Map<string, ArgumentSchema>>();
  for (const input of inputs) {
    const definition = toToolDefinition(input);
    const { properties } = definition.function.parameters as {
      properties?: Record<string, ArgumentSchema>;
    };
    tools.set(definition.function.name, new Map(Object.entries(properties ?? {})));
  }
  return tools;
}

/** A reduced field's schema is that of the value it keeps; a plain field is its own schema. */
const fieldSchema = (field: unknown) => (field as { valueSchema?: unknown }).valueSchema ?? field;

const frameTypes = (union: typeof AllyServerFrame | typeof CommanderServerFrame) =>
  new Set(union.options.map((option) => option.shape.type.value as string));

let cached: Promise<Vocabularies> | undefined;

/** Both graphs' vocabularies, built once per process. */
export function graphVocabularies(): Promise<Vocabularies> {
  cached ??= (async () => {
    const bound = new Map<AgentName, BindToolsInput[]>();
    const store = openSqliteStore({ path: ":memory:" });
    try {
      const graphs = buildGraphs(recordingModels(bound), store);
      const read = async (
        graph: (typeof graphs)[keyof typeof graphs],
        schema: typeof AllyState | typeof CommanderState,
        frames: Set<string>,
      ): Promise<Vocabulary> => {
        const drawing = await drawGraph(graph);
        const inner = drawing.nodes.filter((node) => !node.boundary);
        const agents = new Set(inner.flatMap((node) => (node.agent ? [node.agent] : [])));
        const tools = toolsOf([...agents].flatMap((agent) => bound.get(agent as AgentName) ?? []));
        const state = Object.keys(graph.channels).filter(
          (key) =>
            !key.startsWith("__") && !key.startsWith("branch:") && !TRACED_ELSEWHERE.has(key),
        );
        return {
          graph: drawing.name,
          agents,
          nodes: new Set(inner.map((node) => node.id)),
          tools,
          state: new Set(state),
          stateSchemas: new Map(
            Object.entries(schema.fields).map(([key, field]) => [key, fieldSchema(field)]),
          ),
          frames,
        };
      };
      return {
        commander: await read(graphs.commander, CommanderState, frameTypes(CommanderServerFrame)),
        ally: await read(graphs.ally, AllyState, frameTypes(AllyServerFrame)),
      };
    } finally {
      store.close();
    }
  })();
  return cached;
}
