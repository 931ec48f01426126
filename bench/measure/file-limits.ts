import { execFileSync } from "node:child_process";

/** The soft and hard limits on open files that processes started from here inherit. */
export function openFileLimits(): { soft: number; hard: number } {
  const [soft, hard] = execFileSync("sh", ["-c", "ulimit -Sn; ulimit -Hn"], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => (line.trim() === "unlimited" ? Number.MAX_SAFE_INTEGER : Number(line)));
  return { soft: soft!, hard: hard! };
}
