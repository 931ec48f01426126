export interface RequestCredentials {
  query: URLSearchParams;
  cookieHeader: string;
  authorizationHeader: string;
}

export function parseCookies(header: string): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(raw));
    } catch {
      cookies.set(name, raw);
    }
  }
  return cookies;
}

function bearer(header: string): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  return match?.[1];
}

export type TokenSource = "query" | "cookie" | "header";

/**
 * WebSocket token order: `?token=`, then cookie `token` or `session`, then `Authorization: Bearer`;
 * with where it came from, since a browser sends cookies on its own but never a query or a header.
 */
export function socketCredential(
  creds: RequestCredentials,
): { token: string; source: TokenSource } | undefined {
  const query = creds.query.get("token");
  if (query) return { token: query, source: "query" };
  const cookies = parseCookies(creds.cookieHeader);
  const cookie = cookies.get("token") || cookies.get("session");
  if (cookie) return { token: cookie, source: "cookie" };
  const header = bearer(creds.authorizationHeader);
  return header ? { token: header, source: "header" } : undefined;
}

export function socketToken(creds: RequestCredentials): string | undefined {
  return socketCredential(creds)?.token;
}

/** HTTP token order: cookie `session` (or `token`), then `Authorization: Bearer`. */
export function httpToken(creds: Omit<RequestCredentials, "query">): string | undefined {
  const cookies = parseCookies(creds.cookieHeader);
  return (
    cookies.get("session") || cookies.get("token") || bearer(creds.authorizationHeader) || undefined
  );
}
