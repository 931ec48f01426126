export type * from "./types.js";
export type * from "./ports.js";
export { openSqliteStore } from "./sqlite/open-sqlite-store.js";
