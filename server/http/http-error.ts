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
