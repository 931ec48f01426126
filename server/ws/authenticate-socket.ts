import type { User } from "../../domain/index.js";
import type { Store } from "../../store/index.js";
import { AuthError, socketToken, type TokenVerifier } from "../auth/index.js";
import type { SocketData } from "./connection.js";
import { CloseWith } from "./socket-endpoint.js";

/** Verifies the socket's token (query, cookie, then header) and returns its user, or closes 1008. */
export async function authenticateSocket(
  verifier: TokenVerifier,
  store: Store,
  data: SocketData,
): Promise<User> {
  const token = socketToken(data);
  if (!token) throw new CloseWith(1008, "Missing authentication token");
  try {
    return await store.users.ensure(await verifier.verify(token));
  } catch (err) {
    if (err instanceof AuthError)
      throw new CloseWith(1008, `Authentication failed: ${err.message}`);
    throw err;
  }
}
