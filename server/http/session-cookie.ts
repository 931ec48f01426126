export type SameSite = "None" | "Lax" | "Strict";

export interface CookieSettings {
  secure: boolean;
  sameSite: SameSite;
}

const attributes = (settings: CookieSettings) => [
  "Path=/",
  "HttpOnly",
  ...(settings.secure ? ["Secure"] : []),
  `SameSite=${settings.sameSite}`,
];

/** The `Set-Cookie` value that stores a session token in the `session` cookie. */
export function sessionCookie(token: string, maxAgeSeconds: number, settings: CookieSettings) {
  return [`session=${token}`, ...attributes(settings), `Max-Age=${maxAgeSeconds}`].join("; ");
}

/** The `Set-Cookie` value that deletes the `session` cookie (same attributes, so browsers match it). */
export function clearedSessionCookie(settings: CookieSettings) {
  return [
    "session=",
    ...attributes(settings),
    "Max-Age=0",
    "Expires=Thu, 01 Jan 1970 00:00:00 GMT",
  ].join("; ");
}
