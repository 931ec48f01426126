import type { EnrolledMission, Mission, User } from "../../../domain/index.js";

export type { EnrolledMission, Mission, User };

/** An HTTP answer that was not the one expected, with the server's `detail`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The server's REST routes, with the page's own cookie. Changes are always sent as JSON: the
 * server takes no other kind of change made with the cookie.
 */
async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: method === "GET" ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    const detail = ((await res.json().catch(() => ({}))) as { detail?: string }).detail;
    throw new ApiError(res.status, detail ?? `The server answered ${res.status}`);
  }
  return (await res.json()) as T;
}

export const api = {
  profile: () => call<User>("GET", "/api/v1/user/profile"),
  enrolledMissions: () => call<EnrolledMission[]>("GET", "/api/v1/user/enrolled-missions"),
  mission: (id: string) => call<Mission>("GET", `/api/v1/missions/${encodeURIComponent(id)}`),
  newInterview: () => call<{ session_id: string }>("POST", "/api/v1/sessions"),
  devLogin: (email: string, name?: string) =>
    call<{ uid: string }>("POST", "/api/v1/auth/dev-login", { email, name: name || undefined }),
  createSession: (idToken: string) =>
    call<{ uid: string }>("POST", "/api/v1/auth/create-session", { id_token: idToken }),
  logout: () => call<unknown>("POST", "/api/v1/auth/logout"),
};
