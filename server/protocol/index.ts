export * from "./frames.js";
export { parseClientFrame, type ParsedFrame } from "./parse-client-frame.js";
export { protocolJsonSchema } from "./json-schema.js";
