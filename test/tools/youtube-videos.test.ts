import { fetchYoutubeVideosTool } from "../../tools/index.js";
import { durationSeconds, formatDuration, searchVideos } from "../../tools/youtube-videos.js";
import { startFakeYoutube, type FakeYoutube } from "../support/fake-youtube.js";

let youtube: FakeYoutube;
beforeEach(async () => {
  youtube = await startFakeYoutube();
});
afterEach(() => youtube.stop());

const settings = () => ({ apiKey: "yt-secret", baseUrl: youtube.url, timeoutMs: 500 });

describe("fetch_youtube_videos", () => {
  it("searches Education videos of medium length, then reads their details", async () => {
    const result = await searchVideos(settings(), "git commits for beginners");
    expect(youtube.requests.map((r) => [r.path, r.params])).toEqual([
      [
        "/youtube/v3/search",
        {
          part: "snippet",
          q: "git commits for beginners",
          type: "video",
          maxResults: "3",
          videoCategoryId: "27",
          order: "relevance",
          videoDuration: "medium",
        },
      ],
      [
        "/youtube/v3/videos",
        { part: "contentDetails,snippet,statistics", id: "vid-commits-1,vid-commits-2" },
      ],
    ]);
    expect(youtube.requests.every((r) => r.headers["x-goog-api-key"] === "yt-secret")).toBe(true);
    expect(youtube.requests.every((r) => !JSON.stringify(r.params).includes("yt-secret"))).toBe(
      true,
    );
    expect(result.count).toBe(2);
    expect(result.note).toBe("Found 2 videos.");
    const [first, second] = result.videos;
    expect(first).toEqual({
      video_id: "vid-commits-1",
      title: "Git commits explained",
      channel: "Code Class",
      description: expect.stringMatching(/^A calm walk/) as unknown,
      duration_seconds: 754,
      duration_formatted: "12:34",
      url: "https://www.youtube.com/watch?v=vid-commits-1",
      view_count: 48213,
    });
    expect(first!.description).toHaveLength(503);
    expect(first!.description.endsWith("...")).toBe(true);
    expect(second).toMatchObject({
      duration_formatted: "1:02:03",
      description: "Hands-on practice.",
    });
  });

  it.each([
    ["no-results", "No videos matched this search."],
    ["forbidden", "No videos available: YouTube answered HTTP 403."],
    ["garbage", "No videos available: YouTube sent an unexpected response."],
    ["slow", "No videos available: the request timed out."],
  ] as const)(
    "comes back with a note, not an exception, when the search gives %s",
    async (mode, note) => {
      youtube.mode = mode;
      const result = await searchVideos(settings(), "git");
      expect(result).toEqual({ videos: [], count: 0, note });
    },
  );

  it("reports an unreachable server as a note too", async () => {
    const result = await searchVideos({ ...settings(), baseUrl: "http://127.0.0.1:9/yt" }, "git");
    expect(result).toEqual({
      videos: [],
      count: 0,
      note: "No videos available: YouTube could not be reached.",
    });
  });

  it("runs as a tool whose result is the search as JSON", async () => {
    const tool = fetchYoutubeVideosTool(settings());
    const output = await tool.invoke({ search_query: "git commits" });
    const parsed = JSON.parse(String(output)) as { count: number; videos: { title: string }[] };
    expect(parsed.count).toBe(2);
    expect(parsed.videos.map((v) => v.title)).toEqual([
      "Git commits explained",
      "Your first hour with Git",
    ]);
    expect(youtube.requests[0]!.params.q).toBe("git commits");
  });

  it("reads ISO 8601 durations", () => {
    expect(durationSeconds("PT4M")).toBe(240);
    expect(durationSeconds("PT1H0M5S")).toBe(3605);
    expect(durationSeconds("P1DT1S")).toBe(86401);
    expect(durationSeconds("soon")).toBe(0);
    expect(formatDuration(59)).toBe("0:59");
    expect(formatDuration(3605)).toBe("1:00:05");
  });
});
