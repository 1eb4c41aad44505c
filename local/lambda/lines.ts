import type { Readable } from 'node:stream';

/**
 * Calls `onLine` for every complete line of `stream` (without its newline), and once more for a final
 * unterminated line when the stream ends, so a function's last words before dying are not lost.
 */
export function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      onLine(pending.slice(0, newline).replace(/\r$/, ''));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}
