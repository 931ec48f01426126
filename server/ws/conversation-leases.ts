import { randomUUID } from "node:crypto";
import type { Lease, LeaseStore } from "../../store/index.js";
import type { Connection } from "./connection.js";

const TAKEN_OVER = "This conversation was opened in another window, so this one has been closed.";
const REPLACED = "Replaced by a newer connection";
const CUT_OFF = "Lost contact with the conversation store; reconnect shortly.";

export interface LeaseSettings {
  /** How long a lease lasts unrenewed; a running turn renews it every third of this. */
  ttlMs: number;
  /** Told of each lease taken from another owner that still held it. */
  onTakeover?: () => void;
  /** Told of lease calls that failed (the store is unreachable). */
  onError?: (error: unknown) => void;
}

/**
 * This instance's side of the conversation leases (`store.leases`): one socket per conversation,
 * wherever the sockets land. A socket takes its conversation's lease when it opens, which fences
 * out every write of the socket that held it before; that socket, on this instance or another,
 * hears of it through the store's watch and is closed with an `error` frame and 1008.
 */
export class ConversationLeases {
  /** Names this server in lease owners: `{instance}/{socket}`. */
  readonly instanceId = randomUUID();
  /** The leases its sockets hold. */
  readonly held = new Set<HeldLease>();
  private sockets = 0;

  constructor(
    readonly store: LeaseStore,
    readonly settings: LeaseSettings,
  ) {}

  /** Takes `key`'s lease for `connection`, from whoever holds it. */
  async claim(key: string, connection: Connection): Promise<HeldLease> {
    const owner = `${this.instanceId}/${++this.sockets}`;
    const { lease, tookOver } = await this.store.acquire(key, owner, this.settings.ttlMs);
    if (tookOver) this.settings.onTakeover?.();
    const held = new HeldLease(this, lease, connection);
    this.held.add(held);
    return held;
  }

  /** Gives up every lease still held; a draining server calls it once its turns are over. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.held].map((held) => held.release()));
  }
}

/**
 * One socket's hold on its conversation's lease. An idle socket keeps one for as long as it is
 * open, so it holds little: its fields, and the one callback its watch needs.
 */
export class HeldLease {
  /** Another socket took the conversation over, or this one could not renew in time. */
  lost = false;
  private expiresAt: number;
  private renewedAt = Date.now();
  private readonly stopWatching: () => void;
  private released: Promise<void> | undefined;

  /** The lease as acquired, less its expiry (kept as a number): whose it is, under which token. */
  private readonly key: string;
  private readonly owner: string | null;
  /** The fencing token every write under this lease carries. */
  readonly token: number;

  constructor(
    private readonly leases: ConversationLeases,
    lease: Lease,
    private readonly connection: Connection,
  ) {
    this.key = lease.key;
    this.owner = lease.owner;
    this.token = lease.token;
    this.expiresAt = Date.parse(lease.expires_at);
    this.stopWatching = leases.store.watch(lease.key, (current) => this.check(current));
    // A takeover between the acquisition and the watch's start is caught here.
    leases.store.get(lease.key).then(
      (current) => this.check(current),
      (error: unknown) => this.settings.onError?.(error),
    );
  }

  private get store(): LeaseStore {
    return this.leases.store;
  }

  private get settings(): LeaseSettings {
    return this.leases.settings;
  }

  /**
   * The fencing token for the next turn, after renewing the lease if a third of its time has gone
   * by. Fails, and closes the socket, if the conversation has been taken over.
   */
  async forTurn(): Promise<number> {
    if (!this.lost && Date.now() - this.renewedAt > this.settings.ttlMs / 3) await this.renew();
    if (this.lost) throw new Error(REPLACED);
    return this.token;
  }

  /** Runs a turn, renewing the lease every third of its lifetime until the turn ends. */
  async during<T>(turn: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      this.renew().catch((error: unknown) => {
        this.settings.onError?.(error);
        // Unrenewed past its expiry, the lease may be another's by now: stop, and let the
        // client reconnect. The fence refuses this socket's writes in any case.
        if (Date.now() > this.expiresAt) this.lose(CUT_OFF, 1013, "Lease expired");
      });
    }, this.settings.ttlMs / 3);
    try {
      return await turn();
    } finally {
      clearInterval(timer);
    }
  }

  /** Gives the lease up (the socket closed, or the server is draining). */
  release(): Promise<void> {
    if (this.lost) return Promise.resolve();
    this.released ??= (async () => {
      this.stopWatching();
      this.leases.held.delete(this);
      await this.store.release(this.key, this.token).catch((error: unknown) => {
        this.settings.onError?.(error);
      });
    })();
    return this.released;
  }

  private async renew(): Promise<void> {
    const started = Date.now();
    const expires = await this.store.renew(this.key, this.token, this.settings.ttlMs);
    if (expires === null) return this.lose(TAKEN_OVER, 1008, REPLACED);
    this.renewedAt = started;
    this.expiresAt = Date.parse(expires);
  }

  /** The store's word on the lease: anything but this socket's holder and token means it is lost. */
  private check(current: Lease | null): void {
    if (current?.owner !== this.owner || current.token !== this.token) {
      this.lose(TAKEN_OVER, 1008, REPLACED);
    }
  }

  /** A write of this socket's turn was refused by the fence: another socket holds the conversation. */
  refused(): void {
    this.lose(TAKEN_OVER, 1008, REPLACED);
  }

  /** The socket ends, and so does its running turn, whose writes the fence refuses anyway. */
  private lose(message: string, code: number, reason: string): void {
    if (this.lost || this.released) return;
    this.lost = true;
    this.stopWatching();
    this.leases.held.delete(this);
    this.connection.send({ type: "error", message });
    this.connection.close(code, reason);
    this.connection.abort.abort(new Error(reason));
  }
}
