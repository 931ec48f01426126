export { AuthError, type AuthErrorCode, type TokenVerifier } from "./verifier.js";
export type { FirebaseTokenVerifier } from "./firebase-verifier.js";
export { LocalTokenVerifier, loadOrCreateSecret, localUid } from "./local-verifier.js";
export {
  httpToken,
  parseCookies,
  socketCredential,
  socketToken,
  type RequestCredentials,
  type TokenSource,
} from "./token-sources.js";
