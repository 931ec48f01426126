import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { metricValue, parseMetrics } from "../support/prometheus.js";
import { installForProduction } from "../support/production-install.js";
import {
  startServerProcess,
  stopServerProcess,
  type ServerProcess,
} from "../support/server-process.js";
import { interview, signIn, wholeAllySession } from "../support/whole-mission.js";

// `npm test`'s Node 24 pass (scripts/test-on-node24.sh) provides what this needs: Node 24, the
// C library of Debian 13 (glibc 2.41), which the uWebSockets.js 20.57 binaries need and this
// machine's lacks, and better-sqlite3 built for Node 24. Elsewhere it is skipped.
const node24 = process.env.LEARNFORGE_NODE24;
const glibc = process.env.LEARNFORGE_GLIBC_2_38_LIBS;
const sqliteAddon = process.env.BETTER_SQLITE3_ADDON;

let app: string;
let server: ServerProcess | undefined;

describe.skipIf(!node24 || !glibc || !sqliteAddon)(
  "the production pair: Node 24 with uWebSockets.js 20.57, on glibc ≥ 2.38",
  () => {
    beforeAll(async () => {
      app = mkdtempSync(join(tmpdir(), "learnforge-pair-"));
      await installForProduction(app, { productionUws: true, sqliteAddon });
    }, 240_000);

    afterAll(async () => {
      await stopServerProcess(server);
      rmSync(app, { recursive: true, force: true });
    });

    it("serves a whole mission from the production install: the interview, then the Ally", async () => {
      const uws = JSON.parse(
        readFileSync(join(app, "node_modules/uWebSockets.js/package.json"), "utf8"),
      ) as { name: string; version: string };
      expect(uws).toMatchObject({ name: "@btc-vision/uwebsockets.js", version: "20.57.0" });

      // Node 24 runs on Debian 13's C library, loaded by its dynamic loader.
      server = await startServerProcess(
        { DATA_DIR: join(app, "data"), HOST: "127.0.0.1" },
        {
          executable: join(glibc!, "ld-linux-x86-64.so.2"),
          args: [
            "--library-path",
            glibc!,
            node24!,
            "--enable-source-maps",
            join(app, "dist/server/main.js"),
          ],
          cwd: app,
          cleanEnv: true,
        },
      );
      const host = `127.0.0.1:${server.port}`;
      const metrics = parseMetrics(await (await fetch(`http://${host}/metrics`)).text());
      expect(metricValue(metrics, "nodejs_version_info", { major: "24" })).toBe(1);

      const token = await signIn(host);
      const created = (await interview(host, token)).frames.at(-1)!;
      expect(created.type).toBe("mission_created");
      const mission = created.mission as { id: string };
      const ally = await wholeAllySession(host, token, mission.id);
      const progress = ally.frames.filter((f) => f.type === "checkpoint_update");
      expect(progress.at(-1)?.progress).toBe(100);
      expect(ally.frames.at(-1)?.type).toBe("session_closed");
      expect(ally.close.code).toBe(1000);
    });
  },
);
