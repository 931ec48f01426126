import net from "node:net";

/**
 * A TCP proxy in front of a server (the Firestore emulator) that a test can cut and restore, to
 * stage an outage while the server behind it keeps its data. In front of several servers it is a
 * load balancer: each new connection goes to the next of them in turn, and servers can be taken
 * out and put back, as in a rolling restart.
 */
export class TcpProxy {
  private down = false;
  private next = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((client) => this.connect(client));

  private constructor(private targets: string[]) {}

  /** Starts a proxy on a free loopback port in front of `targets` (each `host:port`). */
  static async start(...targets: string[]): Promise<TcpProxy> {
    const proxy = new TcpProxy(targets);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once("error", reject);
      proxy.server.listen(0, "127.0.0.1", () => resolve());
    });
    return proxy;
  }

  /** Sends new connections to `target` too. */
  add(target: string): void {
    this.targets.push(target);
  }

  /** Sends no new connection to `target`; the open ones stay. */
  remove(target: string): void {
    this.targets = this.targets.filter((t) => t !== target);
  }

  /** `host:port` to reach the target through the proxy. */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  private connect(client: net.Socket): void {
    const target = this.targets[this.next++ % Math.max(this.targets.length, 1)];
    if (this.down || target === undefined) {
      client.destroy();
      return;
    }
    const [host = "", port = ""] = target.split(":");
    const upstream = net.connect(Number(port), host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }

  /** Drops every open connection and refuses new ones until `restore`. */
  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
