import { applicationDefault, getApps, initializeApp, type App } from "firebase-admin/app";

/**
 * The process's firebase-admin app for a Firebase project, created on first use and shared after
 * that, so every part of the server (and every test server in one process) gets the same one.
 * Each project has its own named app; credentials come from Application Default Credentials
 * (GOOGLE_APPLICATION_CREDENTIALS, the gcloud login or the metadata server), which the emulators
 * do not need.
 */
export function firebaseApp(projectId: string): App {
  const name = `learnforge:${projectId}`;
  return (
    getApps().find((app) => app.name === name) ??
    initializeApp({ projectId, credential: applicationDefault() }, name)
  );
}
