import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AuthError,
  LocalTokenVerifier,
  httpToken,
  loadOrCreateSecret,
  localUid,
  socketToken,
} from "../../server/auth/index.js";

const secret = Buffer.alloc(32, 7);

describe("local tokens", () => {
  it("round-trip the identity", async () => {
    const verifier = new LocalTokenVerifier(secret, 60);
    const { token, uid } = verifier.issue({ email: "Ada@Example.com", name: "Ada" });
    expect(uid).toBe(localUid("ada@example.com"));
    await expect(verifier.verify(token)).resolves.toEqual({
      uid,
      email: "Ada@Example.com",
      name: "Ada",
    });
  });

  it("reject expired, forged and malformed tokens", async () => {
    let now = 1_000_000;
    const verifier = new LocalTokenVerifier(secret, 60, () => now);
    const { token } = verifier.issue({ email: "a@b.co", name: "A" });
    now += 61_000;
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });

    const other = new LocalTokenVerifier(Buffer.alloc(32, 9), 60).issue({
      email: "a@b.co",
      name: "A",
    });
    await expect(new LocalTokenVerifier(secret, 60).verify(other.token)).rejects.toBeInstanceOf(
      AuthError,
    );

    const [head, , sig] = new LocalTokenVerifier(secret, 60)
      .issue({ email: "a@b.co", name: "A" })
      .token.split(".");
    const tampered = `${head}.${Buffer.from('{"sub":"admin","exp":9999999999}').toString("base64url")}.${sig}`;
    await expect(new LocalTokenVerifier(secret, 60).verify(tampered)).rejects.toMatchObject({
      code: "TOKEN_INVALID",
    });
    await expect(new LocalTokenVerifier(secret, 60).verify("garbage")).rejects.toMatchObject({
      code: "TOKEN_INVALID",
    });
  });

  it("keep one secret per data folder, readable only by the owner", () => {
    const dir = mkdtempSync(join(tmpdir(), "lf-secret-"));
    const first = loadOrCreateSecret(dir);
    expect(loadOrCreateSecret(dir).equals(first)).toBe(true);
    expect(statSync(join(dir, "local-auth-secret")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, "local-auth-secret"), "utf8")).not.toBe("");
  });
});

describe("token sources", () => {
  const creds = (query: string, cookieHeader = "", authorizationHeader = "") => ({
    query: new URLSearchParams(query),
    cookieHeader,
    authorizationHeader,
  });

  it("prefer the query token, then the token or session cookie, then Bearer on sockets", () => {
    expect(socketToken(creds("token=q", "session=c", "Bearer h"))).toBe("q");
    expect(socketToken(creds("", "token=t; session=c", "Bearer h"))).toBe("t");
    expect(socketToken(creds("", "other=1; session=c", "Bearer h"))).toBe("c");
    expect(socketToken(creds("", "", "Bearer h"))).toBe("h");
    expect(socketToken(creds("", "", "h"))).toBeUndefined();
    expect(socketToken(creds("token="))).toBeUndefined();
  });

  it("use the session cookie before Bearer over HTTP", () => {
    expect(httpToken({ cookieHeader: "session=c", authorizationHeader: "Bearer h" })).toBe("c");
    expect(httpToken({ cookieHeader: "", authorizationHeader: "bearer h" })).toBe("h");
    expect(
      httpToken({ cookieHeader: "", authorizationHeader: "Bearer a Bearer b" }),
    ).toBeUndefined();
  });
});
