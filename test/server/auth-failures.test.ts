import net from "node:net";
import { getAuth } from "firebase-admin/auth";
import { authErrorFromFirebase } from "../../server/auth/firebase-errors.js";
import { FirebaseTokenVerifier } from "../../server/auth/firebase-verifier.js";
import { AuthError } from "../../server/auth/index.js";
import { asUnauthorized } from "../../server/http/authenticate.js";
import { HttpError } from "../../server/http/http-error.js";
import { firebaseApp } from "../../store/firestore/firebase-app.js";

const PROJECT = "demo-auth-failures";
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = Math.floor(Date.now() / 1000);
/** What the Auth emulator issues: a well-formed, unsigned session cookie for this project. */
const unsignedCookie = `${b64({ alg: "none", typ: "JWT" })}.${b64({
  iss: `https://session.firebase.google.com/${PROJECT}`,
  aud: PROJECT,
  sub: "user-1",
  iat: now,
  auth_time: now,
  exp: now + 3600,
})}.`;
const unsignedIdToken = `${b64({ alg: "none", typ: "JWT" })}.${b64({
  iss: `https://securetoken.google.com/${PROJECT}`,
  aud: PROJECT,
  sub: "user-1",
  iat: now,
  auth_time: now,
  exp: now + 3600,
})}.`;

const verifier = () =>
  new FirebaseTokenVerifier(getAuth(firebaseApp(PROJECT)), {
    cacheTtlSeconds: 60,
    cacheMaxEntries: 10,
  });

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("Firebase verification failures", () => {
  const emulatorHost = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  afterAll(() => {
    if (emulatorHost === undefined) delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
    else process.env.FIREBASE_AUTH_EMULATOR_HOST = emulatorHost;
  });

  it("refuse the emulator's unsigned tokens in production, before any network call", async () => {
    delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
    await expect(verifier().verify(unsignedCookie)).rejects.toMatchObject({
      code: "SESSION_INVALID",
      message: "Invalid session",
    });
    await expect(verifier().verify(unsignedIdToken)).rejects.toMatchObject({
      code: "TOKEN_INVALID",
      message: "Invalid ID token",
    });
    await expect(verifier().verifyRecentSignIn(unsignedCookie)).rejects.toMatchObject({
      code: "TOKEN_INVALID",
    });
  });

  it("are a server fault, not the client's, when Firebase Auth cannot be reached", async () => {
    process.env.FIREBASE_AUTH_EMULATOR_HOST = `127.0.0.1:${await closedPort()}`;
    const failure = await verifier()
      .verify(unsignedCookie)
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(AuthError);
    expect((failure as Error).message).toMatch(/^Firebase Auth failed: .*ECONNREFUSED/);
    expect((failure as Error).message).not.toContain(unsignedCookie.split(".")[1]);
    expect(authErrorFromFirebase((failure as Error).cause, "session")).toBeUndefined();
  });

  it("map to 401 with the error code, leaving other errors alone", () => {
    const mapped = asUnauthorized(new AuthError("SESSION_REVOKED", "Session revoked"));
    expect(mapped).toBeInstanceOf(HttpError);
    expect(mapped).toMatchObject({
      status: 401,
      detail: "Session revoked",
      errorCode: "SESSION_REVOKED",
    });
    const fault = new Error("disk full");
    expect(asUnauthorized(fault)).toBe(fault);
    expect(authErrorFromFirebase(fault, "id")).toBeUndefined();
    expect(authErrorFromFirebase({ code: "auth/user-disabled" }, "id")).toMatchObject({
      code: "AUTH_INVALID",
      message: "User account disabled",
    });
  });
});
