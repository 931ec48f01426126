import { HumanMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { TOOLS } from "../../../domain/index.js";
import type { Lesson } from "./sensei-lessons.js";
import type { BoundTool, ScriptedReply } from "./types.js";

interface FoundVideo {
  title: string;
  url: string;
  channel?: string;
  duration_formatted?: string;
}

function sinceLastLearnerMessage(messages: readonly BaseMessage[]): readonly BaseMessage[] {
  return messages.slice(messages.findLastIndex((m) => HumanMessage.isInstance(m)) + 1);
}

function firstVideo(result: string): FoundVideo | undefined {
  try {
    const parsed = JSON.parse(result) as { videos?: Partial<FoundVideo>[] };
    const video = parsed.videos?.[0];
    return video?.title && video.url ? (video as FoundVideo) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The video search's outcome for the concept being taught in this turn: undefined before any
 * search ran, then the Markdown to show ("" when nothing suitable came back).
 */
export function recommendedVideo(messages: readonly BaseMessage[]): string | undefined {
  const result = sinceLastLearnerMessage(messages).findLast(
    (m) => ToolMessage.isInstance(m) && m.name === TOOLS.fetchYoutubeVideos,
  );
  if (!result) return undefined;
  const video = firstVideo(result.text);
  if (!video) return "";
  const details = [video.channel, video.duration_formatted].filter(Boolean).join(", ");
  return `### Recommended video\n\n[${video.title}](${video.url})${details ? ` (${details})` : ""}`;
}

/** Asks for a video before teaching a new concept, when the search is offered. */
export function videoSearch(
  tools: readonly BoundTool[],
  lesson: Lesson,
): ScriptedReply | undefined {
  if (!tools.some((tool) => tool.name === TOOLS.fetchYoutubeVideos)) return undefined;
  return {
    text: "",
    toolCalls: [
      {
        name: TOOLS.fetchYoutubeVideos,
        args: { search_query: `${lesson.title} for ${lesson.level.toLowerCase()}s` },
      },
    ],
  };
}
