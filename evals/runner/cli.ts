import { runEvalCommand } from "./command.js";

const code = await runEvalCommand(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exit(code);
