import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The emulator's entry point; the gcloud jar has no Main-Class, so it runs with `-cp`. */
export const FIRESTORE_EMULATOR_MAIN =
  "com.google.cloud.datastore.emulator.firestore.CloudFirestore";

const INSTALL_HELP = `The Firestore tests run against the Cloud Firestore emulator, which needs Java 11 or later.
  Java:      apt-get install openjdk-17-jre-headless (or any JRE on PATH, or JAVA=/path/to/java)
  Emulator:  gcloud components install cloud-firestore-emulator
             (Debian/Ubuntu with Google's apt repository: apt-get install google-cloud-cli-firestore-emulator)
             or npx firebase setup:emulators:firestore
             or FIRESTORE_EMULATOR_BINARY_PATH=/path/to/cloud-firestore-emulator.jar`;

export function findJava(): string {
  const java = process.env.JAVA ?? "java";
  try {
    execFileSync(java, ["-version"], { stdio: "ignore" });
    return java;
  } catch {
    throw new Error(`Java was not found (tried "${java}").\n${INSTALL_HELP}`);
  }
}

function gcloudRoots(): string[] {
  const roots = [process.env.CLOUDSDK_ROOT_DIR];
  try {
    const gcloud = execFileSync("sh", ["-c", "command -v gcloud"], { encoding: "utf8" }).trim();
    if (gcloud) roots.push(path.resolve(fs.realpathSync(gcloud), "..", ".."));
  } catch {
    // No gcloud on PATH; the usual install folders are still worth a look.
  }
  roots.push(
    "/usr/lib/google-cloud-sdk",
    "/usr/share/google-cloud-sdk",
    "/opt/google-cloud-sdk",
    path.join(os.homedir(), "google-cloud-sdk"),
  );
  return roots.filter((root): root is string => Boolean(root));
}

/** The newest jar firebase-tools downloaded with `setup:emulators:firestore`, if any. */
function firebaseToolsJar(): string | undefined {
  const cache = path.join(os.homedir(), ".cache", "firebase", "emulators");
  if (!fs.existsSync(cache)) return undefined;
  const jars = fs
    .readdirSync(cache)
    .filter((name) => /^cloud-firestore-emulator-v[\d.]+\.jar$/.test(name))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const newest = jars.at(-1);
  return newest && path.join(cache, newest);
}

/** The emulator jar: the one firebase-tools is told to use, gcloud's, or firebase-tools' own. */
export function findFirestoreEmulatorJar(): string {
  const candidates = [
    process.env.FIRESTORE_EMULATOR_BINARY_PATH,
    ...gcloudRoots().map((root) =>
      path.join(root, "platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar"),
    ),
    firebaseToolsJar(),
  ];
  const jar = candidates.find((candidate) => candidate && fs.existsSync(candidate));
  if (!jar) throw new Error(`The Cloud Firestore emulator was not found.\n${INSTALL_HELP}`);
  return jar;
}
