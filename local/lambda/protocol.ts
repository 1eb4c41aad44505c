/**
 * Messages between the runner and the bootstrap in a function's process (over Node's IPC channel).
 * Payloads travel as JSON text, as they do through Lambda's Runtime API, so what a handler receives and
 * returns goes through exactly one JSON round trip.
 */

export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  /** The event as JSON text. */
  event: string;
  /** Epoch ms when the function times out (context.getRemainingTimeInMillis). */
  deadlineMs: number;
  invokedFunctionArn: string;
}

export type RunnerMessage = InvokeMessage;

export type BootstrapMessage =
  /** The module loaded and its handler was found: the init phase is over. */
  | { type: 'ready'; initMs: number }
  /** The init phase failed (import error, handler missing, code that throws at load). */
  | { type: 'init-error'; errorType: string; errorMessage: string }
  /** maxRssKb: the process's peak resident memory so far, for REPORT's "Max Memory Used" as Lambda prints it. */
  | { type: 'result'; requestId: string; payload: string; maxRssKb: number }
  | { type: 'error'; requestId: string; errorType: string; errorMessage: string; maxRssKb: number }
  /** About to die of an uncaught exception or unhandled rejection. */
  | { type: 'fatal'; errorType: string; errorMessage: string };
