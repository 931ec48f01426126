import { TestSocket } from "../support/ws-client.js";

// An idle learner on a machine of its own: it pings every 50 ms and times `/health` alike, in a
// process of its own so that the learners saturating the server do not slow its clock. Prints
// the round trips in ms as JSON once `seconds` are over.
const [wsUrl = "", healthUrl = "", seconds = "10"] = process.argv.slice(2);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const socket = new TestSocket(wsUrl);
await socket.waitFor("connected", 0, 30_000);
// The first fetch loads the HTTP client; that is no part of the server's answer.
await fetch(healthUrl).then((res) => res.arrayBuffer());
process.stdout.write("ready\n");

const pings: number[] = [];
const health: number[] = [];
const until = Date.now() + Number(seconds) * 1_000;
while (Date.now() < until) {
  let sent = performance.now();
  await socket.settle(30_000);
  pings.push(performance.now() - sent);
  sent = performance.now();
  await fetch(healthUrl).then((res) => res.arrayBuffer());
  health.push(performance.now() - sent);
  await sleep(50);
}
socket.close();
process.stdout.write(`${JSON.stringify({ pings, health })}\n`);
