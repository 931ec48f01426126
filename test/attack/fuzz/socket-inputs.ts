import { hostileJson } from "./http-inputs.js";
import type { Random } from "./random.js";
import type { World } from "./world.js";

export type Endpoint = "commander" | "ally";

/** A frame sent on one of Ada's open sockets. */
export interface FrameInput {
  category: string;
  endpoint: Endpoint;
  data: string | Buffer;
  binary: boolean;
  /** The WebSocket layer drops the connection for this frame (invalid UTF-8 text, far too big). */
  drops: boolean;
}

/** A new connection that must be refused: it never gets `connected`, and closes with 1008. */
export interface UpgradeInput {
  category: string;
  path: string;
  headers: Record<string, string>;
  origin?: string;
}

const TEXT_FIELD: Record<Endpoint, string> = { commander: "content", ally: "message" };
const INVALID_UTF8 = [
  Buffer.from([0xff]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xe0, 0xa4]),
  Buffer.from([0x7b, 0x22, 0xf8, 0x88, 0x80, 0x80, 0x80]),
];

export function frameInput(world: World, rng: Random, maxFrameBytes: number): FrameInput {
  const endpoint: Endpoint = rng.pick(["commander", "ally"]);
  const field = TEXT_FIELD[endpoint];
  const frame = (data: string | Buffer, binary = false, invalidText = false): FrameInput => {
    // uWS drops the connection for invalid UTF-8 in a text frame and for frames over 4× the limit.
    const drops = invalidText || Buffer.byteLength(data) > maxFrameBytes * 4;
    return { category: drops ? "dropping frames" : "socket frames", endpoint, data, binary, drops };
  };
  switch (rng.int(10)) {
    case 0:
      return frame(hostileJson(rng));
    case 1:
      return frame(rng.bytes(rng.int(300)), true);
    case 2:
      return frame(Buffer.concat([Buffer.from('{"type":"ping"'), rng.pick(INVALID_UTF8)]), true);
    case 3:
      return frame(
        JSON.stringify({
          type: rng.pick(["", "PING", "user_message ", "__proto__", rng.text(40)]),
        }),
      );
    case 4:
      return frame(
        JSON.stringify({ type: "user_message", [field]: rng.pick([5, null, [], {}, "", " \n\t"]) }),
      );
    case 5:
      return frame(
        JSON.stringify({
          type: "user_message",
          [field]: rng.pick([
            "\u0000\u202e",
            "💥".repeat(500),
            "<script>x</script>",
            rng.text(2000),
          ]),
        }),
      );
    case 6:
      return frame(JSON.stringify({ type: "user_message", [field]: "x".repeat(maxFrameBytes) }));
    case 7:
      // Invalid UTF-8 in a text frame, or a frame past the hard limit: rarely, as each costs a socket.
      return rng.chance(0.05)
        ? frame(Buffer.concat([Buffer.from("{"), rng.pick(INVALID_UTF8)]), false, true)
        : frame(JSON.stringify({ type: "ping", extra: rng.text(50) }));
    case 8:
      return rng.chance(0.03)
        ? frame("x".repeat(maxFrameBytes * 4 + 1), false, true)
        : frame(JSON.stringify({ type: "ping" }), rng.chance(0.5));
    default:
      return frame(
        JSON.stringify({ type: "user_message", [field]: rng.text(1 + rng.int(60), "abc xyz?!") }),
      );
  }
}

export function upgradeInput(world: World, rng: Random): UpgradeInput {
  const { ada, bob, bad } = world;
  const commander = "/api/v1/mission-commander/ws";
  const ally = "/api/v1/mission-ally/ws";
  switch (rng.int(4)) {
    case 0: {
      const token = encodeURIComponent(rng.pick(Object.values(bad)).slice(0, 4000));
      const how = rng.int(3);
      const path = rng.chance(0.5)
        ? `${commander}?session_id=${ada.sessionId}`
        : `${ally}?mission_id=${ada.missionId}`;
      if (how === 0)
        return { category: "socket bad tokens", path: `${path}&token=${token}`, headers: {} };
      if (how === 1) {
        return {
          category: "socket bad tokens",
          path,
          headers: { Cookie: `session=${token}` },
          origin: `http://${world.host}`,
        };
      }
      return { category: "socket bad tokens", path, headers: { Authorization: `Bearer ${token}` } };
    }
    case 1:
      return {
        category: "socket other users' ids",
        path: rng.pick([
          `${commander}?session_id=${bob.sessionId}&token=${ada.token}`,
          `${ally}?mission_id=${bob.missionId}&token=${ada.token}`,
          `${ally}?mission_id=${world.publicMissionId}&token=${ada.token}`,
        ]),
        headers: {},
      };
    case 2:
      return {
        category: "cross-site sockets",
        path: rng.pick([
          `${commander}?session_id=${ada.sessionId}`,
          `${ally}?mission_id=${ada.missionId}`,
        ]),
        headers: { Cookie: `session=${ada.token}` },
        origin: rng.pick(["http://evil.example", "null", `http://${world.host}.evil.example`]),
      };
    default:
      return {
        category: "socket odd queries",
        path: rng.pick([
          `${commander}?session_id=%ZZ&token=${ada.token}`,
          `${commander}?session_id=${rng.text(3000)}&token=${ada.token}`,
          `${commander}?token=${ada.token}`,
          `${ally}?mission_id=%E0%A4%A&token=${ada.token}`,
          `${ally}?mission_id=&token=${ada.token}`,
          `${ally}?mission_id=${encodeURIComponent("../" + rng.text(10))}&token=${ada.token}`,
        ]),
        headers: {},
      };
  }
}
