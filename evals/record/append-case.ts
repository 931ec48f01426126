import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { loadSuite } from "../runner/load-suite.js";
import { ExportError } from "./export-case.js";

/** Appends a case to a suite file (made if missing), refusing an id the suite already has. */
export async function appendCase(suitePath: string, evalCase: { id: string }): Promise<void> {
  const suite =
    existsSync(suitePath) && readFileSync(suitePath, "utf8").trim() !== ""
      ? await loadSuite(suitePath)
      : undefined;
  if (suite?.cases.some((c) => c.case.id === evalCase.id)) {
    throw new ExportError(`${suitePath} already has a case "${evalCase.id}"; choose another id`);
  }
  appendFileSync(suitePath, `${JSON.stringify(evalCase)}\n`);
}
