import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface YoutubeRequest {
  path: string;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
}

export interface FakeYoutube {
  /** The value for `YOUTUBE_API_BASE_URL`. */
  url: string;
  requests: YoutubeRequest[];
  /** How the next requests are answered. */
  mode: "videos" | "no-results" | "forbidden" | "garbage" | "slow";
  stop(): Promise<void>;
}

const VIDEOS = [
  {
    id: "vid-commits-1",
    title: "Git commits explained",
    channel: "Code Class",
    duration: "PT12M34S",
    views: "48213",
    description: "A calm walk through commits, history and good commit messages. ".repeat(10),
  },
  {
    id: "vid-commits-2",
    title: "Your first hour with Git",
    channel: "Learn Together",
    duration: "PT1H2M3S",
    views: "1200",
    description: "Hands-on practice.",
  },
];

/** The YouTube Data API v3 `search` and `videos` calls, answered from fixed data on 127.0.0.1. */
export async function startFakeYoutube(): Promise<FakeYoutube> {
  const fake: Omit<FakeYoutube, "url" | "stop"> = { requests: [], mode: "videos" };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    fake.requests.push({
      path: url.pathname,
      params: Object.fromEntries(url.searchParams),
      headers: req.headers,
    });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (fake.mode === "forbidden") return json(403, { error: { code: 403, message: "quota" } });
    if (fake.mode === "garbage") return json(200, { unexpected: true });
    if (fake.mode === "slow") return void setTimeout(() => json(200, { items: [] }), 2000);
    if (url.pathname.endsWith("/search")) {
      const items =
        fake.mode === "no-results" ? [] : VIDEOS.map((v) => ({ id: { videoId: v.id } }));
      return json(200, { items });
    }
    if (url.pathname.endsWith("/videos")) {
      const ids = (url.searchParams.get("id") ?? "").split(",");
      return json(200, {
        items: VIDEOS.filter((v) => ids.includes(v.id)).map((v) => ({
          id: v.id,
          snippet: { title: v.title, channelTitle: v.channel, description: v.description },
          contentDetails: { duration: v.duration },
          statistics: { viewCount: v.views },
        })),
      });
    }
    json(404, { error: { code: 404, message: "not found" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/youtube/v3`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
