import { commanderThreadId } from "../../domain/index.js";
import { LocalTokenVerifier } from "../../server/auth/index.js";
import { FORK_UNAVAILABLE, forkRoute, type ForkRunner } from "../../server/http/fork-route.js";
import type { RequestInfo } from "../../server/http/handler.js";
import { HttpError } from "../../server/http/http-error.js";
import type { ForkResult } from "../../evals/fork/fork-data.js";
import { openSqliteStore, type Store } from "../../store/index.js";

// What `POST /graphs/fork` answers for what its runner does: one fork at a time, and an install
// that cannot fork told apart from a server error.

let store: Store;
let token: string;
let thread: string;

let verifier: LocalTokenVerifier;

beforeAll(async () => {
  store = await openSqliteStore({ path: ":memory:" });
  const issuer = new LocalTokenVerifier(Buffer.alloc(32, 7), 60);
  const issued = issuer.issue({ email: "ada@example.com", name: "Ada" });
  token = issued.token;
  await store.users.ensure({ uid: issued.uid, name: "Ada" });
  thread = commanderThreadId((await store.commanderSessions.create(issued.uid)).id);
  verifier = issuer;
});

afterAll(() => store.close());

function request(): RequestInfo {
  return {
    requestId: "fork-test",
    remoteAddress: "127.0.0.1",
    method: "POST",
    path: "/graphs/fork",
    query: new URLSearchParams(),
    params: [],
    headers: {
      origin: "",
      host: "127.0.0.1",
      cookie: "",
      authorization: `Bearer ${token}`,
      contentType: "application/json",
      acceptEncoding: "",
      ifNoneMatch: "",
    },
    body: Buffer.from(JSON.stringify({ thread, turn: 1 })),
  };
}

const route = (fork: ForkRunner) =>
  forkRoute({
    auth: { verifier, store },
    fork,
    geminiEnv: {},
    reader: { state: async () => undefined, opening: async () => undefined },
    promptsDirAllowed: true,
  });

const status = (reply: Promise<unknown>) =>
  reply.then(
    () => 200,
    (err: unknown) => (err instanceof HttpError ? err.status : 500),
  );

it("runs one fork at a time: a second one while the first runs gets 429", async () => {
  // Each fork the route starts waits here until the test finishes it.
  const started: ((result: ForkResult) => void)[] = [];
  let onStart = () => {};
  const fork = route(
    () =>
      new Promise<ForkResult>((resolve) => {
        started.push(resolve);
        onStart();
      }),
  );
  const running = (count: number) =>
    new Promise<void>((resolve) => {
      onStart = () => started.length >= count && resolve();
      onStart();
    });
  const done = { turns: [] } as unknown as ForkResult;
  const first = fork(request());
  await running(1);
  expect(await status(fork(request()))).toBe(429);
  expect(started).toHaveLength(1);
  started[0]!(done);
  expect(await first).toMatchObject({ status: 200 });
  // Once it is done, the next may run.
  const next = fork(request());
  await running(2);
  started[1]!(done);
  expect(await status(next)).toBe(200);
});

it("answers 501 when the install cannot fork, and leaves other failures to the server", async () => {
  const failing = (name: string) =>
    route(async () => {
      const err = new Error("no tooling");
      err.name = name;
      throw err;
    });
  expect(await status(failing(FORK_UNAVAILABLE)(request()))).toBe(501);
  expect(await status(failing("ForkError")(request()))).toBe(400);
  expect(await status(failing("TypeError")(request()))).toBe(500);
});
