import type { Readable } from 'node:stream';

/**
 * Calls `onLine` for every complete line of `stream` (without its newline), and once more for a final
 * unterminated line when the stream ends, so a function's last words before dying are not lost.
 */
export function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const text = pending + chunk;
    // One pass over the chunk: slicing the rest off after every line is quadratic in the lines per chunk.
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      onLine(text.slice(start, end));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    pending = text.slice(start);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}
