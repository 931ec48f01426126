export { buildAllyGraph, type AllyGraph, type AllyGraphOptions } from "./graph.js";
export { AllyState, type AllyPhase, type AllyStateValue } from "./state.js";
