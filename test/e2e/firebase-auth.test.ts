import {
  authEmulatorAccounts,
  claimsOf,
  forgedSignature,
  withClaims,
  type EmulatorUser,
} from "../support/auth-emulator.js";
import type { FirebaseEmulators } from "../support/emulator-context.js";
import { authEmulator } from "../support/emulators.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { TestSocket, type TestSocketOptions } from "../support/ws-client.js";
import { GIT_MISSION } from "../support/missions.js";

const ORIGIN = "http://localhost:3000";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nowSeconds = () => Math.floor(Date.now() / 1000);
/**
 * Firebase records a revocation to the second and spares tokens from that same second, so a
 * revocation must come at least a second after the sign-in it is meant to cut off.
 */
const pastSignInSecond = () => sleep(1100);

type Outcome = "connected" | { error: unknown; code: number | undefined; reason: string };

/** Connects, and tells whether the socket got `connected` or an `error` and a close. */
/** Opens a socket the way a page on the server's own origin would, and reports how it went. */
async function connect(url: string, options: TestSocketOptions = {}): Promise<Outcome> {
  const origin = `http://${new URL(url).host}`;
  const socket = new TestSocket(url, { origin, ...options });
  const [first] = await socket.waitForFrames(1);
  if (first?.type === "connected") {
    socket.close();
    await socket.closed;
    return "connected";
  }
  const { code, reason } = await socket.closed;
  return { error: first?.message, code, reason };
}

const refused = (reason: string): Outcome => ({ error: reason, code: 1008, reason });

/** Long enough for a revocation and a reconnection to fit inside it on a busy machine. */
const SHORT_TTL_SECONDS = 5;

describe("Firebase Auth, against the Auth emulator", () => {
  let emulators: FirebaseEmulators;
  let accounts: ReturnType<typeof authEmulatorAccounts>;
  /** Trusts a verified token for the default 60 s. */
  let server: TestServer;
  /** Asks Firebase on every request. */
  let uncached: TestServer;
  /** Trusts a verified token for SHORT_TTL_SECONDS. */
  let shortCache: TestServer;
  /** Every token and cookie handed out, none of which may reach a log line. */
  const secrets = new Set<string>();

  const firebaseServer = (env: Record<string, string> = {}) =>
    startTestServer({
      env: {
        AUTH: "firebase",
        HOST: "127.0.0.1",
        GOOGLE_CLOUD_PROJECT: emulators.projectId,
        FIREBASE_AUTH_EMULATOR_HOST: emulators.authHost,
        ...env,
      },
    });

  const keep = (token: string) => {
    secrets.add(token);
    return token;
  };

  const request = async (
    on: TestServer,
    method: string,
    path: string,
    options: { cookie?: string; bearer?: string; body?: unknown; origin?: string } = {},
  ) => {
    // As a browser page on the server's own origin sends them: with its Origin, and as JSON.
    const res = await fetch(on.http + path, {
      method,
      headers: {
        ...(options.cookie !== undefined ? { Cookie: options.cookie } : {}),
        ...(options.bearer ? { Authorization: `Bearer ${options.bearer}` } : {}),
        Origin: options.origin ?? on.http,
        "Content-Type": "application/json",
      },
      body:
        typeof options.body === "string" || options.body === undefined
          ? options.body
          : JSON.stringify(options.body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };

  /** The session cookie a response sets. */
  const cookieSetBy = (headers: Headers) => {
    const cookie = /^session=([^;]+);/.exec(headers.get("set-cookie") ?? "")?.[1];
    if (!cookie) throw new Error("no session cookie was set");
    return keep(cookie);
  };

  /** Exchanges the user's ID token for a session cookie, the way a web client signs in. */
  const createSession = async (on: TestServer, idToken: string) => {
    const res = await request(on, "POST", "/api/v1/auth/create-session", {
      body: { id_token: idToken },
    });
    expect(res.status).toBe(201);
    return cookieSetBy(res.headers);
  };

  type SignedIn = EmulatorUser & { email: string; cookie: string };

  const newUser = async (on: TestServer, name: string): Promise<SignedIn> => {
    const email = accounts.uniqueEmail(name);
    const user = await accounts.signUp({ email, displayName: name });
    keep(user.idToken);
    return { ...user, email, cookie: await createSession(on, user.idToken) };
  };

  const commanderSession = async (on: TestServer, cookie: string) => {
    const res = await request(on, "POST", "/api/v1/sessions", { cookie: `session=${cookie}` });
    expect(res.status).toBe(201);
    return (res.json as { session_id: string }).session_id;
  };

  const commanderUrl = (on: TestServer, sessionId: string, token?: string) =>
    `${on.ws}/api/v1/mission-commander/ws?session_id=${sessionId}` +
    (token ? `&token=${encodeURIComponent(token)}` : "");

  beforeAll(async () => {
    emulators = await authEmulator();
    accounts = authEmulatorAccounts(emulators);
    [server, uncached, shortCache] = await Promise.all([
      firebaseServer(),
      firebaseServer({ AUTH_CACHE_TTL_SECONDS: "0" }),
      firebaseServer({ AUTH_CACHE_TTL_SECONDS: String(SHORT_TTL_SECONDS) }),
    ]);
  });
  afterAll(() => Promise.all([server, uncached, shortCache].map((s) => s?.stop())));

  it("exchanges a fresh ID token for a Secure, HttpOnly session cookie that signs the user in", async () => {
    const email = accounts.uniqueEmail("ada");
    const user = await accounts.signUp({ email });
    await accounts.setProfile(user.uid, {
      displayName: "Ada Lovelace",
      photoUrl: "https://example.com/ada.png",
    });
    const idToken = keep(await accounts.signIn(email));
    const res = await request(server, "POST", "/api/v1/auth/create-session", {
      body: { id_token: idToken },
      origin: ORIGIN,
    });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ message: "Session created successfully", uid: user.uid });
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(
      /^session=[\w-]+\.[\w-]+\.[\w-]*; Path=\/; HttpOnly; Secure; SameSite=Lax; Max-Age=172800$/,
    );
    const cookie = cookieSetBy(res.headers);
    expect(claimsOf(cookie)).toMatchObject({
      iss: `https://session.firebase.google.com/${emulators.projectId}`,
      aud: emulators.projectId,
      sub: user.uid,
    });

    const profile = await request(server, "GET", "/api/v1/user/profile", {
      cookie: `session=${cookie}`,
    });
    expect(profile.status).toBe(200);
    expect(profile.json).toMatchObject({
      id: user.uid,
      firebase_uid: user.uid,
      name: "Ada Lovelace",
      email,
      picture: "https://example.com/ada.png",
    });
    const status = await request(server, "GET", "/api/v1/auth/session-status", {
      cookie: `session=${cookie}`,
    });
    expect(status).toMatchObject({
      status: 200,
      json: { message: "Session is valid", uid: user.uid },
    });

    // Over Bearer, both the session cookie and the raw ID token work.
    for (const bearer of [cookie, idToken]) {
      const created = await request(server, "POST", "/api/v1/sessions", { bearer });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ user_id: user.uid, status: "active" });
    }
  });

  it("signs in users whose tokens carry no name or no email", async () => {
    const anonymous = await accounts.signUp();
    keep(anonymous.idToken);
    expect(claimsOf(anonymous.idToken)).not.toHaveProperty("email");
    const byIdToken = await request(server, "GET", "/api/v1/user/profile", {
      bearer: anonymous.idToken,
    });
    expect(byIdToken.status).toBe(200);
    expect(byIdToken.json).toMatchObject({ id: anonymous.uid, name: null, email: null });

    const emailOnly = await accounts.signUp({ email: accounts.uniqueEmail("noname") });
    keep(emailOnly.idToken);
    const cookie = await createSession(server, emailOnly.idToken);
    const profile = await request(server, "GET", "/api/v1/user/profile", {
      cookie: `session=${cookie}`,
    });
    expect(profile.status).toBe(200);
    expect(profile.json).toMatchObject({ id: emailOnly.uid, name: null, email: emailOnly.email });
  });

  it("answers create-session's bad input and stale sign-ins with clear errors, never a 500", async () => {
    const create = (body: unknown) =>
      request(server, "POST", "/api/v1/auth/create-session", { body, origin: ORIGIN });
    expect((await create("{not json")).status).toBe(400);
    for (const body of [{}, { id_token: 42 }, { id_token: "" }]) {
      expect(await create(body)).toMatchObject({
        status: 422,
        json: { detail: 'Body must be {"id_token": a Firebase ID token}' },
      });
    }
    const invalid = await create({ id_token: "not-a-token" });
    expect(invalid.status).toBe(401);
    expect(invalid.json).toEqual({ detail: "Invalid ID token", error_code: "TOKEN_INVALID" });
    expect(invalid.headers.get("access-control-allow-origin")).toBe(ORIGIN);

    const user = await newUser(server, "stale");
    expect((await create({ id_token: user.cookie })).json).toEqual({
      detail: "Invalid ID token",
      error_code: "TOKEN_INVALID",
    });

    // A user who signed in ten minutes ago (and has not been revoked since).
    const signedIn = nowSeconds() - 600;
    await accounts.validSince(user.uid, signedIn - 60);
    const stale = await create({
      id_token: keep(withClaims(user.idToken, { auth_time: signedIn })),
    });
    expect(stale.status).toBe(401);
    expect(stale.json).toEqual({
      detail: "Recent sign-in required: sign in again and send the new ID token",
      error_code: "AUTH_INVALID",
    });
    expect(stale.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(stale.headers.get("set-cookie")).toBeNull();
  });

  it("rejects missing, expired, forged and other-project tokens over HTTP and on sockets", async () => {
    const user = await newUser(server, "target");
    const sessionId = await commanderSession(server, user.cookie);
    const past = nowSeconds() - 60;
    const otherProject = "demo-someone-else";
    const cases: [string, string, string, string][] = [
      [
        "an expired session cookie",
        withClaims(user.cookie, { exp: past }),
        "SESSION_EXPIRED",
        "Session expired",
      ],
      [
        "an expired ID token",
        withClaims(user.idToken, { exp: past }),
        "TOKEN_EXPIRED",
        "ID token expired",
      ],
      ["garbage", "not.a.token", "SESSION_INVALID", "Invalid session"],
      ["a forged signature", forgedSignature(user.cookie), "SESSION_INVALID", "Invalid session"],
      [
        "another project's session cookie",
        withClaims(user.cookie, {
          aud: otherProject,
          iss: `https://session.firebase.google.com/${otherProject}`,
        }),
        "SESSION_INVALID",
        "Invalid session",
      ],
      [
        "another project's ID token",
        withClaims(user.idToken, {
          aud: otherProject,
          iss: `https://securetoken.google.com/${otherProject}`,
        }),
        "TOKEN_INVALID",
        "Invalid ID token",
      ],
      [
        "a user the project does not have",
        withClaims(user.cookie, { sub: "no-such-user", user_id: "no-such-user" }),
        "AUTH_INVALID",
        "User account not found",
      ],
    ];
    for (const [label, token, code, detail] of cases) {
      keep(token);
      for (const via of [{ bearer: token }, { cookie: `session=${token}` }]) {
        const res = await request(server, "GET", "/api/v1/user/profile", {
          ...via,
          origin: ORIGIN,
        });
        expect({ label, status: res.status, json: res.json }).toEqual({
          label,
          status: 401,
          json: { detail, error_code: code },
        });
        expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
      }
      expect({ label, outcome: await connect(commanderUrl(server, sessionId, token)) }).toEqual({
        label,
        outcome: refused(`Authentication failed: ${detail}`),
      });
    }

    const missing = await request(server, "GET", "/api/v1/user/profile");
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ error_code: "AUTH_MISSING" });
    expect(await connect(commanderUrl(server, sessionId))).toEqual(
      refused("Missing authentication token"),
    );
    // The real cookie still works: none of the above touched the user.
    expect(await connect(commanderUrl(server, sessionId, user.cookie))).toBe("connected");
  });

  it("takes a socket's token from the query, then the cookie, then the header", async () => {
    const ada = await newUser(server, "ada");
    const bob = await newUser(server, "bob");
    const adaSession = await commanderSession(server, ada.cookie);
    const url = commanderUrl(server, adaSession);
    const mismatch = refused("Session user mismatch");
    const as = (headers: Record<string, string>) => connect(url, { headers });

    expect(await connect(commanderUrl(server, adaSession, ada.cookie))).toBe("connected");
    expect(
      await connect(commanderUrl(server, adaSession, ada.cookie), {
        headers: { Cookie: `session=${bob.cookie}`, Authorization: `Bearer ${bob.cookie}` },
      }),
    ).toBe("connected");
    expect(
      await connect(commanderUrl(server, adaSession, bob.cookie), {
        headers: { Cookie: `session=${ada.cookie}` },
      }),
    ).toEqual(mismatch);
    // A bad query token is not passed over for a good cookie.
    expect(
      await connect(commanderUrl(server, adaSession, "garbage"), {
        headers: { Cookie: `session=${ada.cookie}` },
      }),
    ).toEqual(refused("Authentication failed: Invalid session"));

    expect(
      await as({ Cookie: `session=${ada.cookie}`, Authorization: `Bearer ${bob.cookie}` }),
    ).toBe("connected");
    expect(
      await as({ Cookie: `session=${bob.cookie}`, Authorization: `Bearer ${ada.cookie}` }),
    ).toEqual(mismatch);
    expect(await as({ Cookie: `token=${ada.cookie}; session=${bob.cookie}` })).toBe("connected");
    expect(await as({ Authorization: `Bearer ${ada.idToken}` })).toBe("connected");

    // Over HTTP the `session` cookie comes before the Bearer header.
    const read = (cookie: string, bearer: string) =>
      request(server, "GET", `/api/v1/sessions/${adaSession}`, {
        cookie: `session=${cookie}`,
        bearer,
      });
    expect((await read(ada.cookie, bob.cookie)).status).toBe(200);
    expect((await read(bob.cookie, ada.cookie)).status).toBe(403);
  });

  it("logs out by revoking the user's sessions, refused at once on this instance", async () => {
    const user = await newUser(server, "leaver");
    const sessionId = await commanderSession(server, user.cookie);
    expect(await connect(commanderUrl(server, sessionId, user.cookie))).toBe("connected");
    await pastSignInSecond();

    const out = await request(server, "POST", "/api/v1/auth/logout", {
      cookie: `session=${user.cookie}`,
      origin: ORIGIN,
    });
    expect(out.status).toBe(200);
    expect(out.json).toEqual({ message: "Logged out successfully", uid: null });
    expect(out.headers.get("set-cookie")).toBe(
      "session=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    );
    expect(out.headers.get("access-control-allow-origin")).toBe(ORIGIN);

    // This server had just trusted the cookie, and logging out made it forget it.
    expect(await connect(commanderUrl(server, sessionId, user.cookie))).toEqual(
      refused("Authentication failed: Session revoked"),
    );
    expect(
      (
        await request(server, "GET", "/api/v1/auth/session-status", {
          cookie: `session=${user.cookie}`,
        })
      ).json,
    ).toEqual({ detail: "Session revoked", error_code: "SESSION_REVOKED" });
    expect(
      (await request(server, "GET", "/api/v1/user/profile", { bearer: user.idToken })).json,
    ).toEqual({ detail: "ID token revoked", error_code: "TOKEN_REVOKED" });
    expect(
      (
        await request(server, "POST", "/api/v1/auth/create-session", {
          body: { id_token: user.idToken },
        })
      ).json,
    ).toEqual({ detail: "ID token revoked", error_code: "TOKEN_REVOKED" });

    // Signing in again starts a new session.
    const fresh = await createSession(server, keep(await accounts.signIn(user.email)));
    expect(await connect(commanderUrl(server, sessionId, fresh))).toBe("connected");
  });

  it("logs out without a valid session too: it clears the cookie and revokes nothing", async () => {
    const user = await newUser(uncached, "keeper");
    await pastSignInSecond();
    const cleared =
      "session=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    const expired = keep(withClaims(user.cookie, { exp: nowSeconds() - 60 }));
    for (const cookie of [`session=${expired}`, ""]) {
      const out = await request(uncached, "POST", "/api/v1/auth/logout", { cookie });
      expect(out).toMatchObject({
        status: 200,
        json: { message: "Logged out successfully", uid: null },
      });
      expect(out.headers.get("set-cookie")).toBe(cleared);
    }
    const status = await request(uncached, "GET", "/api/v1/auth/session-status", {
      cookie: `session=${user.cookie}`,
    });
    expect(status.json).toEqual({ message: "Session is valid", uid: user.uid });
  });

  it("refuses a revoked user's next socket at once without the cache, and within its TTL with it", async () => {
    const direct = await newUser(uncached, "revoked-direct");
    const directSession = await commanderSession(uncached, direct.cookie);
    expect(await connect(commanderUrl(uncached, directSession, direct.cookie))).toBe("connected");
    await pastSignInSecond();
    await accounts.revoke(direct.uid);
    expect(await connect(commanderUrl(uncached, directSession, direct.cookie))).toEqual(
      refused("Authentication failed: Session revoked"),
    );

    const cached = await newUser(shortCache, "revoked-cached");
    const cachedSession = await commanderSession(shortCache, cached.cookie);
    const url = commanderUrl(shortCache, cachedSession, cached.cookie);
    expect(await connect(url)).toBe("connected");
    // The connection above verified the cookie, so this server trusts it for the TTL from now.
    const trustedUntil = Date.now() + SHORT_TTL_SECONDS * 1000;
    await pastSignInSecond();
    await accounts.revoke(cached.uid);
    expect(await connect(url)).toBe("connected");
    await sleep(trustedUntil + 100 - Date.now());
    expect(await connect(url)).toEqual(refused("Authentication failed: Session revoked"));
  });

  it("never remembers a failed verification", async () => {
    const user = await accounts.signUp({ email: accounts.uniqueEmail("paused") });
    keep(user.idToken);
    await accounts.setDisabled(user.uid, true);
    const profile = () => request(server, "GET", "/api/v1/user/profile", { bearer: user.idToken });
    expect((await profile()).json).toEqual({
      detail: "User account disabled",
      error_code: "AUTH_INVALID",
    });
    await accounts.setDisabled(user.uid, false);
    expect((await profile()).status).toBe(200);
  });

  it("refreshes a session only from a fresh sign-in of the same user", async () => {
    const ada = await newUser(server, "ada");
    const bob = await newUser(server, "bob");
    const refresh = (body: unknown, cookie?: string) =>
      request(server, "POST", "/api/v1/auth/refresh-session", {
        body,
        ...(cookie ? { cookie: `session=${cookie}` } : {}),
      });

    expect((await refresh({}, ada.cookie)).status).toBe(422);
    expect((await refresh({ id_token: ada.cookie }, ada.cookie)).json).toEqual({
      detail: "Invalid ID token",
      error_code: "TOKEN_INVALID",
    });
    const wrongUser = await refresh({ id_token: bob.idToken }, ada.cookie);
    expect(wrongUser.status).toBe(401);
    expect(wrongUser.json).toEqual({
      detail: "The ID token belongs to another user than the current session",
      error_code: "AUTH_INVALID",
    });
    expect(wrongUser.headers.get("set-cookie")).toBeNull();

    await pastSignInSecond();
    const idToken = keep(await accounts.signIn(ada.email));
    for (const current of [ada.cookie, keep(withClaims(ada.cookie, { exp: nowSeconds() - 1 }))]) {
      const res = await refresh({ id_token: idToken }, current);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ message: "Session refreshed successfully", uid: ada.uid });
      const renewed = cookieSetBy(res.headers);
      expect(renewed).not.toBe(ada.cookie);
      expect(claimsOf(renewed).auth_time).toBe(claimsOf(idToken).auth_time);
      const status = await request(server, "GET", "/api/v1/auth/session-status", {
        cookie: `session=${renewed}`,
      });
      expect(status.json).toEqual({ message: "Session is valid", uid: ada.uid });
    }
  });

  it("checks only the session cookie on session-status", async () => {
    const user = await newUser(server, "status");
    const bearerOnly = await request(server, "GET", "/api/v1/auth/session-status", {
      bearer: user.cookie,
    });
    expect(bearerOnly.status).toBe(401);
    expect(bearerOnly.json).toEqual({
      detail: "No session cookie found",
      error_code: "AUTH_MISSING",
    });
    const expired = await request(server, "GET", "/api/v1/auth/session-status", {
      cookie: `session=${keep(withClaims(user.cookie, { exp: nowSeconds() - 60 }))}`,
    });
    expect(expired.json).toEqual({ detail: "Session expired", error_code: "SESSION_EXPIRED" });
  });

  it("never shows one user's session, mission or enrollment to another", async () => {
    const ada = await newUser(server, "ada");
    const bob = await newUser(server, "bob");
    const adaSession = await commanderSession(server, ada.cookie);
    const enrolled = await request(server, "POST", "/api/v1/missions/enrollment", {
      cookie: `session=${ada.cookie}`,
      body: GIT_MISSION,
    });
    expect(enrolled.status).toBe(201);
    const missionId = (enrolled.json as { mission: { id: string } }).mission.id;
    const as = (user: SignedIn, path: string) =>
      request(server, "GET", path, { cookie: `session=${user.cookie}` });

    for (const path of [`/api/v1/sessions/${adaSession}`, `/api/v1/missions/${missionId}`]) {
      expect((await as(ada, path)).status).toBe(200);
      const denied = await as(bob, path);
      expect({ path, status: denied.status }).toEqual({ path, status: 403 });
      expect(denied.text).not.toContain(GIT_MISSION.title);
    }
    expect((await as(bob, "/api/v1/user/enrolled-missions")).json).toEqual([]);

    expect(await connect(commanderUrl(server, adaSession, bob.cookie))).toEqual(
      refused("Session user mismatch"),
    );
    const allyUrl = `${server.ws}/api/v1/mission-ally/ws?mission_id=${missionId}`;
    expect(await connect(allyUrl, { headers: { Cookie: `session=${ada.cookie}` } })).toBe(
      "connected",
    );
    expect(await connect(allyUrl, { headers: { Cookie: `session=${bob.cookie}` } })).toEqual(
      refused("You are not enrolled in this mission"),
    );

    const graphPage = `/graphs/mission_commander?session_id=${adaSession}`;
    const own = await as(ada, graphPage);
    expect(own.status).toBe(200);
    expect(own.text).toContain('"conversation":{"label":"Commander: ');
    const other = await as(bob, graphPage);
    expect(other.status).toBe(403);
    expect(other.text).toContain("This conversation belongs to another user.");
    expect(other.text).not.toContain('"conversation":');
    expect((await request(server, "GET", graphPage)).status).toBe(401);
  });

  it("writes no token or cookie to any log line", () => {
    const lines = [server, uncached, shortCache].flatMap((s) => s.logLines);
    expect(lines.length).toBeGreaterThan(0);
    expect(secrets.size).toBeGreaterThan(20);
    for (const secret of secrets) {
      // The claims segment alone would give a token away too. A made-up token's middle segment
      // can be a single letter ("not.a.token"), which names nothing and is in any "warn" line.
      const segment = secret.split(".")[1] ?? "";
      const claims = segment.length >= 16 ? segment : secret;
      const leaks = lines.filter((line) => line.includes(secret) || line.includes(claims));
      // Shown with the secret masked, so that a failure says which line leaked it.
      const masked = leaks.map((line) =>
        line.split(secret).join("<token>").split(claims).join("<claims>"),
      );
      expect(masked).toEqual([]);
    }
  });
});
