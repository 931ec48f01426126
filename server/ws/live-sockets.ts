import type { Connection } from "./connection.js";

/** One live socket per conversation: a newer connection takes over and the older one is closed. */
export class LiveSockets {
  private readonly byKey = new Map<string, Connection>();

  claim(key: string, connection: Connection): void {
    const previous = this.byKey.get(key);
    this.byKey.set(key, connection);
    if (previous && previous !== connection) {
      previous.send({
        type: "error",
        message: "This conversation was opened in another window, so this one has been closed.",
      });
      previous.close(1008, "Replaced by a newer connection");
    }
  }

  /** True when `connection` still owns `key`, after which the key is released. */
  release(key: string, connection: Connection): boolean {
    if (this.byKey.get(key) !== connection) return false;
    this.byKey.delete(key);
    return true;
  }

  all(): Connection[] {
    return [...this.byKey.values()];
  }
}
