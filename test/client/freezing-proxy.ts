import net from "node:net";

/**
 * A TCP proxy whose connections can go silent: they stay open but forward nothing any more, the
 * way a dead network path looks to a WebSocket (no close, no error, no answers). New connections
 * forward as usual.
 */
export class FreezingProxy {
  private readonly server: net.Server;
  private readonly live = new Map<net.Socket, { frozen: boolean; upstream: net.Socket }>();

  private constructor(targetPort: number) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(targetPort, "127.0.0.1");
      const link = { frozen: false, upstream };
      this.live.set(client, link);
      client.on("data", (chunk) => link.frozen || upstream.write(chunk));
      upstream.on("data", (chunk) => link.frozen || client.write(chunk));
      for (const socket of [client, upstream]) {
        socket.on("error", () => {});
        socket.on("close", () => {
          client.destroy();
          upstream.destroy();
          this.live.delete(client);
        });
      }
    });
  }

  static async start(targetPort: number): Promise<FreezingProxy> {
    const proxy = new FreezingProxy(targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  freeze(): void {
    for (const link of this.live.values()) link.frozen = true;
  }

  async close(): Promise<void> {
    for (const [client, { upstream }] of this.live) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise((resolve) => this.server.close(resolve));
  }
}
