export { buildCommanderGraph, type CommanderGraph, type CommanderGraphOptions } from "./graph.js";
export { CommanderState, type CommanderPhase, type CommanderStateValue } from "./state.js";
