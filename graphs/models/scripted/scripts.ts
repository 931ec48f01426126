import type { AgentName } from "../../../domain/index.js";
import { curatorScript } from "./curator-script.js";
import { luminaScript } from "./lumina-script.js";
import { polarisScript } from "./polaris-script.js";
import { senseiScript } from "./sensei-script.js";
import type { Script } from "./types.js";

export const SCRIPTS: Record<AgentName, Script> = {
  polaris: polarisScript,
  mission_curator: curatorScript,
  mission_ally: luminaScript,
  mission_sensei: senseiScript,
};
