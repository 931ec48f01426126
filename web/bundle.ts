import { build, type Plugin } from "esbuild";

/**
 * Browser scripts bundled by esbuild in memory: one ES module per entry (named by the entry's
 * key), minified, for the browsers of the last few years.
 */
export async function bundleForBrowser(
  entryPoints: Record<string, string>,
  plugins: Plugin[] = [],
): Promise<Map<string, Buffer>> {
  const result = await build({
    entryPoints,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    outdir: "bundle",
    write: false,
    logLevel: "silent",
    plugins,
  });
  return new Map(
    result.outputFiles.map((file) => [
      file.path.slice(file.path.lastIndexOf("/") + 1),
      Buffer.from(file.contents),
    ]),
  );
}
