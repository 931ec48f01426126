import type { AppConfig } from "./config.js";

const MESSAGES: Record<string, string> = {
  EMAIL_EXISTS: "An account with this email already exists: sign in instead.",
  EMAIL_NOT_FOUND: "No account has this email: create one first.",
  INVALID_PASSWORD: "Wrong email or password.",
  INVALID_LOGIN_CREDENTIALS: "Wrong email or password.",
  USER_DISABLED: "This account has been disabled.",
  WEAK_PASSWORD: "Choose a password of at least 6 characters.",
  INVALID_EMAIL: "That email address is not valid.",
  TOO_MANY_ATTEMPTS_TRY_LATER: "Too many attempts: try again later.",
};

/**
 * Email and password sign-in through Firebase Auth's REST API (what the Firebase SDK does), so the
 * page ships no SDK. Returns a fresh ID token for `POST /api/v1/auth/create-session`.
 */
export async function firebaseSignIn(
  firebase: NonNullable<AppConfig["firebase"]>,
  mode: "signIn" | "signUp",
  email: string,
  password: string,
  displayName?: string,
): Promise<string> {
  const action = mode === "signUp" ? "accounts:signUp" : "accounts:signInWithPassword";
  const res = await fetch(
    `${firebase.identityToolkit}/${action}?key=${encodeURIComponent(firebase.apiKey)}`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password, displayName, returnSecureToken: true }),
    },
  );
  const body = (await res.json().catch(() => ({}))) as {
    idToken?: string;
    error?: { message?: string };
  };
  if (!res.ok || !body.idToken) {
    const code = (body.error?.message ?? "").split(/[ :]/)[0] ?? "";
    throw new Error(MESSAGES[code] ?? `Sign-in failed${code ? ` (${code})` : ""}.`);
  }
  return body.idToken;
}
