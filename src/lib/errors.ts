/** One failing input, named the way the client sent it: `body.url`, `query.limit`, `path.linkId`. */
export interface FieldError {
  field: string;
  message: string;
}

/** An error whose message is safe to show the caller, with the status it maps to. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 409 | 503,
    message: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends HttpError {
  constructor(errors: readonly FieldError[], message = 'Invalid request') {
    super(400, message, errors);
  }
}

export class UnauthorizedError extends HttpError {
  constructor() {
    // API Gateway's own wording, so a client sees one message whoever rejects it.
    super(401, 'Unauthorized');
  }
}

/** A valid token this API does not serve (another API's app client on the shared user pool). */
export class ForbiddenError extends HttpError {
  constructor(message = 'Forbidden: the token was not issued to an app client of this API') {
    super(403, message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'Not found') {
    super(404, message);
  }
}

/** Optimistic-locking retries ran out: the caller may simply retry. */
export class ConflictError extends HttpError {
  constructor(message = 'The resource was modified concurrently; please retry') {
    super(409, message);
  }
}

/** DynamoDB kept throttling us after retries: the caller should come back shortly (Retry-After says when). */
export class ServiceUnavailableError extends HttpError {
  readonly retryAfterSeconds = 1;
  constructor(message = 'The service is busy; please retry shortly') {
    super(503, message);
  }
}
