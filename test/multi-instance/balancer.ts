import net from "node:net";

/**
 * A TCP load balancer for tests: each new connection goes to the next of its backends in turn.
 * Backends come and go as a rolling restart takes them out and puts them back.
 */
export class Balancer {
  private backends: number[] = [];
  private next = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((client) => this.route(client));

  static async start(ports: number[]): Promise<Balancer> {
    const balancer = new Balancer();
    balancer.backends = [...ports];
    await new Promise<void>((resolve, reject) => {
      balancer.server.once("error", reject);
      balancer.server.listen(0, "127.0.0.1", () => resolve());
    });
    return balancer;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  add(port: number): void {
    this.backends.push(port);
  }

  remove(port: number): void {
    this.backends = this.backends.filter((p) => p !== port);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private route(client: net.Socket): void {
    const port = this.backends[this.next++ % Math.max(this.backends.length, 1)];
    if (port === undefined) {
      client.destroy();
      return;
    }
    const upstream = net.connect(port, "127.0.0.1");
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }
}
