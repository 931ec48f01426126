import { loadConfig } from "../../server/config.js";
import { clearedSessionCookie, sessionCookie } from "../../server/http/session-cookie.js";

describe("the session cookie", () => {
  it("is HttpOnly, on every path, with the configured SameSite and Secure", () => {
    expect(sessionCookie("t0k", 172800, { secure: true, sameSite: "None" })).toBe(
      "session=t0k; Path=/; HttpOnly; Secure; SameSite=None; Max-Age=172800",
    );
    expect(sessionCookie("t0k", 60, { secure: false, sameSite: "Lax" })).toBe(
      "session=t0k; Path=/; HttpOnly; SameSite=Lax; Max-Age=60",
    );
    expect(clearedSessionCookie({ secure: true, sameSite: "Strict" })).toBe(
      "session=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    );
  });

  it("is SameSite=Lax by default, Secure with Firebase, and None only when asked for", () => {
    const firebase = loadConfig({ AUTH: "firebase", GOOGLE_CLOUD_PROJECT: "demo-x" });
    expect(firebase.cookie).toEqual({ secure: true, sameSite: "Lax" });
    expect(firebase.sessionCookieMaxAgeSeconds).toBe(172800);
    expect(firebase.authCache).toEqual({ ttlSeconds: 60, maxEntries: 10_000 });
    // COOKIE_SECURE=false cannot weaken a Firebase session cookie.
    expect(loadConfig({ AUTH: "firebase", COOKIE_SECURE: "false" }).cookie.secure).toBe(true);
    expect(loadConfig({}).cookie).toEqual({ secure: false, sameSite: "Lax" });
    expect(loadConfig({ COOKIE_SECURE: "true" }).cookie).toEqual({
      secure: true,
      sameSite: "Lax",
    });
    expect(
      loadConfig({ COOKIE_SECURE: "true", SESSION_COOKIE_SAMESITE: "None" }).cookie.sameSite,
    ).toBe("None");
    const tuned = loadConfig({
      AUTH: "firebase",
      SESSION_COOKIE_SAMESITE: "Strict",
      SESSION_COOKIE_MAX_AGE_SECONDS: "3600",
      AUTH_CACHE_TTL_SECONDS: "0",
      AUTH_CACHE_MAX_ENTRIES: "5",
    });
    expect(tuned.cookie.sameSite).toBe("Strict");
    expect(tuned.sessionCookieMaxAgeSeconds).toBe(3600);
    expect(tuned.authCache).toEqual({ ttlSeconds: 0, maxEntries: 5 });
  });

  it("refuses settings browsers or Firebase would reject, naming them", () => {
    expect(() => loadConfig({ SESSION_COOKIE_SAMESITE: "None" })).toThrow(
      /SESSION_COOKIE_SAMESITE: None needs COOKIE_SECURE=true/,
    );
    expect(() => loadConfig({ SESSION_COOKIE_SAMESITE: "lax" })).toThrow(/SESSION_COOKIE_SAMESITE/);
    expect(() => loadConfig({ SESSION_COOKIE_MAX_AGE_SECONDS: "60" })).toThrow(
      /SESSION_COOKIE_MAX_AGE_SECONDS/,
    );
    expect(() => loadConfig({ SESSION_COOKIE_MAX_AGE_SECONDS: String(15 * 86400) })).toThrow(
      /SESSION_COOKIE_MAX_AGE_SECONDS/,
    );
    expect(() => loadConfig({ AUTH_CACHE_TTL_SECONDS: "-1" })).toThrow(/AUTH_CACHE_TTL_SECONDS/);
    expect(() => loadConfig({ AUTH_CACHE_TTL_SECONDS: "7200" })).toThrow(/AUTH_CACHE_TTL_SECONDS/);
  });
});
