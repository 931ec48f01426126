import { firestoreEmulator } from "../support/emulators.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let proxy: TcpProxy;
let server: TestServer;

beforeEach(async () => {
  proxy = await TcpProxy.start((await firestoreEmulator()).firestoreHost);
  server = await startTestServer({ env: { FIRESTORE_EMULATOR_HOST: proxy.host } });
});
afterEach(async () => {
  proxy.restore();
  await server.stop();
  await proxy.close();
});

const ready = async () => {
  const res = await fetch(`${server.http}/ready`);
  return { status: res.status, body: (await res.json()) as unknown };
};

describe("GET /ready on Firestore", () => {
  it("fails while Firestore is unreachable and recovers once it answers again", async () => {
    // The first call opens the server's connection to Firestore.
    await vi.waitFor(async () => expect((await ready()).status).toBe(200), { timeout: 15_000 });

    proxy.cut();
    await vi.waitFor(
      async () =>
        expect(await ready()).toEqual({ status: 503, body: { status: "store_unreachable" } }),
      { timeout: 10_000, interval: 250 },
    );
    expect((await fetch(`${server.http}/health`)).status).toBe(200);

    proxy.restore();
    await vi.waitFor(async () => expect((await ready()).status).toBe(200), {
      timeout: 30_000,
      interval: 500,
    });
  });
});
