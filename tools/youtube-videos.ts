import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { TOOLS } from "../domain/index.js";

export const YOUTUBE_API_BASE_URL = "https://www.googleapis.com/youtube/v3";

export interface YoutubeSettings {
  apiKey: string;
  /** The YouTube Data API v3 root; tests point it at a local server. */
  baseUrl?: string;
  timeoutMs?: number;
}

export interface Video {
  video_id: string;
  title: string;
  channel: string;
  description: string;
  duration_seconds: number;
  duration_formatted: string;
  url: string;
  view_count: number;
}

export interface VideoSearchResult {
  videos: Video[];
  count: number;
  note: string;
}

const MAX_DESCRIPTION = 500;

const SearchResponse = z.object({
  items: z.array(z.object({ id: z.object({ videoId: z.string().optional() }).optional() })),
});

const VideosResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      snippet: z.object({
        title: z.string(),
        channelTitle: z.string().default(""),
        description: z.string().default(""),
      }),
      contentDetails: z.object({ duration: z.string() }).optional(),
      statistics: z.object({ viewCount: z.coerce.number().optional() }).optional(),
    }),
  ),
});

/** Seconds in an ISO 8601 duration such as `PT12M3S` or `P1DT2H`; 0 when unreadable. */
export function durationSeconds(iso: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!match) return 0;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return (((days ?? 0) * 24 + (hours ?? 0)) * 60 + (minutes ?? 0)) * 60 + (seconds ?? 0);
}

/** `m:ss`, or `h:mm:ss` from an hour up. */
export function formatDuration(total: number): string {
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}`
    : `${minutes}:${seconds}`;
}

class YoutubeError extends Error {}

async function getJson<T>(
  settings: YoutubeSettings,
  path: string,
  params: Record<string, string>,
  schema: z.ZodType<T>,
): Promise<T> {
  const url = new URL(`${settings.baseUrl ?? YOUTUBE_API_BASE_URL}/${path}`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  let response: Response;
  try {
    // The key travels in a header, so it never appears in a URL that could be logged.
    response = await fetch(url, {
      headers: { "x-goog-api-key": settings.apiKey, accept: "application/json" },
      signal: AbortSignal.timeout(settings.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const timedOut = err instanceof Error && err.name === "TimeoutError";
    throw new YoutubeError(timedOut ? "the request timed out" : "YouTube could not be reached");
  }
  if (!response.ok) throw new YoutubeError(`YouTube answered HTTP ${response.status}`);
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new YoutubeError("YouTube sent an unexpected response");
  return parsed.data;
}

/**
 * Up to three medium-length (4–20 min) Education videos for a query, most relevant first.
 * Failures come back as a note with no videos, never as an exception.
 */
export async function searchVideos(
  settings: YoutubeSettings,
  query: string,
): Promise<VideoSearchResult> {
  try {
    const search = await getJson(
      settings,
      "search",
      {
        part: "snippet",
        q: query,
        type: "video",
        maxResults: "3",
        videoCategoryId: "27",
        order: "relevance",
        videoDuration: "medium",
      },
      SearchResponse,
    );
    const ids = search.items.flatMap((item) => (item.id?.videoId ? [item.id.videoId] : []));
    if (ids.length === 0) return { videos: [], count: 0, note: "No videos matched this search." };
    const details = await getJson(
      settings,
      "videos",
      { part: "contentDetails,snippet,statistics", id: ids.join(",") },
      VideosResponse,
    );
    const videos = details.items.map((item): Video => {
      const seconds = durationSeconds(item.contentDetails?.duration ?? "");
      const { description } = item.snippet;
      return {
        video_id: item.id,
        title: item.snippet.title,
        channel: item.snippet.channelTitle,
        description:
          description.length > MAX_DESCRIPTION
            ? `${description.slice(0, MAX_DESCRIPTION)}...`
            : description,
        duration_seconds: seconds,
        duration_formatted: formatDuration(seconds),
        url: `https://www.youtube.com/watch?v=${encodeURIComponent(item.id)}`,
        view_count: item.statistics?.viewCount ?? 0,
      };
    });
    return { videos, count: videos.length, note: `Found ${videos.length} videos.` };
  } catch (err) {
    const reason = err instanceof YoutubeError ? err.message : "the search failed";
    return { videos: [], count: 0, note: `No videos available: ${reason}.` };
  }
}

/** mission_sensei's video search: it may recommend at most one of the results per concept. */
export function fetchYoutubeVideosTool(settings: YoutubeSettings) {
  return tool(
    async ({ search_query }) => JSON.stringify(await searchVideos(settings, search_query)),
    {
      name: TOOLS.fetchYoutubeVideos,
      description:
        "Search YouTube for short Education videos (4–20 minutes) on the concept you are teaching. Returns up to three videos with title, channel, duration and URL, or a note when none are available.",
      schema: z.object({
        search_query: z
          .string()
          .trim()
          .min(1)
          .max(200)
          .describe("What to search for, e.g. the concept and the learner's level"),
      }),
    },
  );
}
