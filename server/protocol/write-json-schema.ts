import { mkdirSync, writeFileSync } from "node:fs";
import { protocolJsonSchema } from "./json-schema.js";

mkdirSync("docs", { recursive: true });
writeFileSync("docs/protocol.schema.json", JSON.stringify(protocolJsonSchema(), null, 2) + "\n");
console.log("wrote docs/protocol.schema.json");
