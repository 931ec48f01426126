/** Why a connection ended, from the close code, its reason and what came before it. */
export type CloseKind =
  /** 1000 after `mission_created` or `session_closed`: the conversation is over. */
  | "finished"
  /** 1000 otherwise (the client closed, or the server closed an idle socket). */
  | "normal"
  /** 1008 because a newer connection (another tab or device) took the conversation over. */
  | "taken_over"
  /** 1008 because the token or cookie is missing, expired or revoked. */
  | "unauthorized"
  /** 1008 for anything else the server refused: no such session, not enrolled, not yours. */
  | "forbidden"
  /** 1001: the server is shutting down or restarting. */
  | "going_away"
  /** 1006 or 1005: the connection dropped without a close frame (network, crash, refused). */
  | "network"
  /** 1011: an unexpected fault on the server. */
  | "server_error"
  /** 1012 and 1013: the server asks to try again later. */
  | "try_again"
  /** 1002, 1003, 1007, 1009 and other codes: the client sent something the server cannot take. */
  | "protocol";

export interface CloseInfo {
  code: number;
  reason: string;
  kind: CloseKind;
  /** Whether the client reconnects by itself after this close. */
  retry: boolean;
}

const AUTH_REASON = /authentication|token|sign in|session expired|revoked/i;

/**
 * Maps a close to its kind. 1001, 1006, 1011, 1012 and 1013 are retried; 1008 never is (retrying
 * would only repeat the refusal, or steal the conversation back from the tab that took it over);
 * 1000 is final after the conversation's last frame.
 */
export function describeClose(code: number, reason: string, finished: boolean): CloseInfo {
  const info = (kind: CloseKind, retry: boolean): CloseInfo => ({ code, reason, kind, retry });
  switch (code) {
    case 1000:
      return info(finished ? "finished" : "normal", false);
    case 1001:
      return info("going_away", true);
    case 1005:
    case 1006:
      return info("network", true);
    case 1008:
      if (/replaced by a newer connection/i.test(reason)) return info("taken_over", false);
      return info(AUTH_REASON.test(reason) ? "unauthorized" : "forbidden", false);
    case 1011:
      return info("server_error", true);
    case 1012:
    case 1013:
      return info("try_again", true);
    default:
      return info("protocol", false);
  }
}
