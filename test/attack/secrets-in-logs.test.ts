import { randomBytes } from "node:crypto";
import { scrubText } from "../../server/log-redaction.js";
import { createLogger } from "../../server/log.js";
import { searchVideos } from "../../tools/youtube-videos.js";
import { startEchoUpstream, type EchoUpstream } from "./support/echo-upstream.js";
import { startLiveServer, timedTurn, type LiveServer } from "./support/live-server.js";

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const googleKey = () => `AIza${randomBytes(26).toString("base64url").slice(0, 35)}`;

let server: LiveServer | undefined;
let upstream: EchoUpstream | undefined;
afterEach(async () => {
  await server?.stop();
  await upstream?.stop();
  server = upstream = undefined;
});

describe("secrets in log text", () => {
  it("are scrubbed from the error text of Gemini, Firestore, YouTube and Firebase", () => {
    const apiKey = googleKey();
    const jwt = `${b64({ alg: "RS256", kid: "k1" })}.${b64({ sub: "u1", iat: 1 })}.${randomBytes(64).toString("base64url")}`;
    const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "u1" })}.`;
    const oauth = `ya29.${randomBytes(40).toString("base64url")}`;
    const pem = `-----BEGIN PRIVATE KEY-----\nMIIEv${randomBytes(60).toString("base64")}\n-----END PRIVATE KEY-----`;
    const cases: [string, string[]][] = [
      [
        `[GoogleGenerativeAI Error]: Error fetching from https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent?key=${apiKey}: [400 Bad Request] API key not valid. Please pass a valid API key. x-goog-api-key: ${apiKey}`,
        [apiKey],
      ],
      [
        `16 UNAUTHENTICATED: Request had invalid authentication credentials. Expected OAuth 2 access token. Authorization: Bearer ${oauth}`,
        [oauth],
      ],
      [`Failed to parse private key: ${pem}`, [pem.split("\n")[1]!]],
      [`YouTube: {"error":{"message":"API key ${apiKey} is invalid"}}`, [apiKey]],
      [
        `Firebase Auth failed: Raw server response: "{\\"idToken\\":\\"${jwt}\\",\\"session\\":\\"${unsigned}\\"}"`,
        [jwt.split(".")[2]!, jwt.split(".")[1]!, unsigned.split(".")[1]!],
      ],
      [`cookie: session=${unsigned}; token=${jwt}`, [unsigned.split(".")[1]!, jwt.split(".")[1]!]],
      [`GET /v1/lookup?access_token=s3cr3t-t0ken&alt=json`, ["s3cr3t-t0ken"]],
      // A token cut short, or one segment of it quoted alone, still gives its claims away.
      [`Decoding failed for "${jwt.slice(0, 60)}…"`, [jwt.split(".")[1]!.slice(0, 20)]],
      [`claims ${unsigned.split(".")[1]} were refused`, [unsigned.split(".")[1]!]],
    ];
    for (const [text, secrets] of cases) {
      const scrubbed = scrubText(text);
      for (const secret of secrets) expect(scrubbed).not.toContain(secret);
      expect(scrubbed).toContain("[redacted]");
    }
    // Ordinary words and ids survive.
    const plain = "Session with ID 'abc-123' not found; Bearer token missing; input_tokens: 12";
    expect(scrubText(plain)).toBe(plain);
    // A configured key is scrubbed whatever its shape, in any field, however deep.
    const odd = randomBytes(12).toString("hex");
    const lines: string[] = [];
    createLogger("debug", (l) => lines.push(l), [odd]).error(`failed with ${odd}`, {
      error: new Error(`upstream said ${odd}`),
      detail: { nested: [`again ${odd}`] },
      api_key: "anything",
      // A cache keyed by token, say: the names of fields are scrubbed too.
      by_owner: { [unsigned]: 1 },
    });
    expect(lines[0]).not.toContain(odd);
    expect(lines[0]).not.toContain(unsigned.split(".")[1]);
    expect(lines[0]).not.toContain("anything");
  });

  it("never reach the log when the Gemini endpoint echoes the key back", async () => {
    upstream = await startEchoUpstream();
    // Not shaped like a Google key, so only knowing the configured value can catch it.
    const key = randomBytes(20).toString("hex");
    server = await startLiveServer({
      GOOGLE_API_KEY: key,
      GEMINI_BASE_URL: upstream.url,
      GEMINI_MAX_RETRIES: "0",
    });
    const socket = await server.commander(await server.login("ada@example.com"));
    const { frame } = await timedTurn(socket, "I want to learn Python for data analysis");
    expect(frame.type).toBe("error");
    expect(JSON.stringify(frame)).not.toContain(key);
    expect(upstream.requests.some((r) => r.headers["x-goog-api-key"] === key)).toBe(true);
    const log = server.log();
    expect(log).toContain("commander turn failed");
    expect(log).toContain("API key not valid");
    expect(log).not.toContain(key);
  });

  it("never reach the log when Firebase Auth echoes the ID token back", async () => {
    const project = "demo-echo";
    upstream = await startEchoUpstream((req) =>
      req.url.includes("accounts:lookup")
        ? { users: [{ localId: "echo-user", email: "ada@example.com", validSince: "0" }] }
        : undefined,
    );
    server = await startLiveServer({
      AUTH: "firebase",
      GOOGLE_CLOUD_PROJECT: project,
      FIREBASE_AUTH_EMULATOR_HOST: upstream.host,
    });
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: `https://securetoken.google.com/${project}`,
      aud: project,
      sub: "echo-user",
      user_id: "echo-user",
      iat: now,
      exp: now + 3600,
      auth_time: now,
      firebase: { sign_in_provider: "password" },
    };
    const idToken = `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
    const res = await fetch(`${server.http}/api/v1/auth/create-session`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ id_token: idToken }),
    });
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain(idToken.split(".")[1]);
    expect(upstream.requests.some((r) => r.body.includes(idToken))).toBe(true);
    const log = server.log();
    expect(log).toContain("request failed");
    expect(log).not.toContain(idToken.split(".")[1]);
  });

  it("never leave the YouTube search when YouTube echoes the key back", async () => {
    upstream = await startEchoUpstream(undefined, 403);
    const key = googleKey();
    const result = await searchVideos({ apiKey: key, baseUrl: upstream.url }, "git commits");
    expect(upstream.requests[0]?.headers["x-goog-api-key"]).toBe(key);
    expect(result).toEqual({
      videos: [],
      count: 0,
      note: "No videos available: YouTube answered HTTP 403.",
    });
  });
});
