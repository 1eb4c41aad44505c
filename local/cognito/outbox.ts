import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';

/**
 * The local Cognito's mailbox. The messages AWS would email — the invitation with a temporary password,
 * the sign-up confirmation code — are written here as files, one per message, readable by their owner
 * only (0600, in a directory created 0700). The console only names the file: a password never reaches a
 * log (CI logs, reports/twin.log). Without a directory nothing is written and the caller says so.
 */

export interface OutboxMessage {
  kind: 'invitation' | 'confirmation-code' | 'password-reset-code';
  /** The address AWS would send to (the user's email; their username if they have none). */
  to: string;
  subject: string;
  userPoolId: string;
  /** The message text, as AWS's default templates word it. */
  body: string;
}

/** Where a message went: the file (as shown to people), or why it went nowhere. */
export type Delivery = { file: string } | { undelivered: string };

export interface Outbox {
  deliver(message: OutboxMessage, now: number): Delivery;
}

export function createOutbox(dir: string | undefined): Outbox {
  return {
    deliver(message, now) {
      if (!dir) return { undelivered: 'no outbox directory is configured' };
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const file = join(dir, `${stamp}-${message.kind}-${fileSafe(message.to)}-${randomBytes(3).toString('hex')}.txt`);
        // wx: never follow or overwrite something already at that path.
        writeFileSync(file, render(message, now), { mode: 0o600, flag: 'wx' });
        chmodSync(file, 0o600);
        return { file: shown(file) };
      } catch (error) {
        return { undelivered: `the outbox could not be written (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
      }
    },
  };
}

/** One line for the console: where the message is, never what it says. */
export function describeDelivery(delivery: Delivery): string {
  return 'file' in delivery ? `written to ${delivery.file}` : `not delivered: ${delivery.undelivered}`;
}

function render(message: OutboxMessage, now: number): string {
  return [
    `To: ${message.to}`,
    `Subject: ${message.subject}`,
    `Date: ${new Date(now).toUTCString()}`,
    `X-Cognito-User-Pool: ${message.userPoolId}`,
    '',
    message.body,
    '',
  ].join('\n');
}

/** A recipient as part of a file name: no path separators or other surprises, bounded. */
function fileSafe(value: string): string {
  return value.replace(/[^A-Za-z0-9.@+_-]/g, '_').slice(0, 64);
}

/** Relative to the working directory when inside it (`.local/state/outbox/…`), else absolute. */
function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
