import type { z } from "zod";

/** An HTTP failure whose `detail` is safe to return to the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errorCode?: string,
  ) {
    super(detail);
  }
}

/** A body that fails its schema: 422 naming the first field at fault. */
export function invalidBody(error: z.ZodError): HttpError {
  const issue = error.issues[0];
  return new HttpError(
    422,
    `Invalid field '${issue?.path.join(".") || "body"}': ${issue?.message ?? "invalid"}`,
  );
}
