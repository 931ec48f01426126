import { GIT_MISSION } from "../../test/support/missions.js";

export interface Learner {
  token: string;
  uid: string;
}

async function post<T>(url: string, token: string | undefined, body: unknown, want: number) {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body ?? {}),
  });
  if (res.status !== want) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The REST calls a learner makes before talking to an agent, against a server at `http`. */
export function learnerApi(http: string) {
  return {
    login: (email: string, name = "Bench") =>
      post<Learner>(`${http}/api/v1/auth/dev-login`, undefined, { email, name }, 200),
    /** A new Commander interview; returns its session id. */
    createSession: async (learner: Learner) =>
      (await post<{ session_id: string }>(`${http}/api/v1/sessions`, learner.token, {}, 201))
        .session_id,
    /** Enrolls the learner in a new copy of the four-checkpoint mission; returns its id. */
    enroll: async (learner: Learner) =>
      (
        await post<{ mission: { id: string } }>(
          `${http}/api/v1/missions/enrollment`,
          learner.token,
          GIT_MISSION,
          201,
        )
      ).mission.id,
  };
}

export type LearnerApi = ReturnType<typeof learnerApi>;
