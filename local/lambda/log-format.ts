/**
 * How the twin prints a console line. Lines come as the runner and the other parts log them:
 * `[LogicalId] <what the function wrote>` (a Powertools JSON entry, a console line in Lambda's text format
 * `time<TAB>requestId<TAB>LEVEL<TAB>message`, a REPORT line) or `[api] …` access lines and plain notes.
 *  - `compact` (the default): one short line per entry, `12:00:01.123 GetLink 1a2b3c4d INFO message key=value…`
 *    (the twin's own lines, `[api] GET /v1/links 200 …`, as they are, after the time);
 *  - `json`: every field, a function's JSON entry pretty-printed as Powertools' dev mode would.
 * Either way, values under secret-looking keys and anything shaped like a JWT are replaced: a token a handler
 * logs by mistake must not reach the developer's terminal or its scrollback.
 */

export type LogFormat = 'compact' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['compact', 'json'];

/** Powertools' standard keys: the same on every entry of a function, so the compact line leaves them out. */
const STANDARD_KEYS = new Set([
  'level', 'message', 'timestamp', 'service', 'cold_start', 'function_arn', 'function_memory_size',
  'function_name', 'function_request_id', 'sampling_rate', 'xray_trace_id',
]);
const SECRET_KEY = /authorization|password|passwd|secret|token|cookie|credential|signature|session|api[-_]?key/i;
const JWT = /eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*/g;
const LAMBDA_TEXT = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\t(\S+)\t([A-Z]+)\t([\s\S]*)$/;
const REPORT = /^REPORT RequestId: (\S+) Duration: ([\d.]+) ms .*?(?: Max Memory Used: (\d+) MB)?(?: Init Duration: ([\d.]+) ms)?(?: Status: (\w+))?$/;
const MAX_VALUE = 300;

export const REDACTED = '[redacted]';

/** Any JWT-shaped text in `text`, replaced. */
export function redactText(text: string): string {
  return text.replace(JWT, REDACTED);
}

/** A copy of a parsed log entry with secret-named keys and JWT-shaped strings replaced, at any depth. */
export function redactValue(value: unknown, key = ''): unknown {
  if (key && SECRET_KEY.test(key) && value !== null && value !== undefined && value !== '') return REDACTED;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, k);
    return out;
  }
  return value;
}

/** The twin's line for `line` in `format`; `now` stamps lines that carry no time of their own. */
export function formatLogLine(line: string, format: LogFormat, now: Date = new Date()): string {
  const match = /^\[([\w-]+)\] ([\s\S]*)$/.exec(line);
  if (!match) return format === 'json' ? redactText(line) : `${clock(now)} ${redactText(line)}`;
  const [, source, content] = match as unknown as [string, string, string];
  const entry = content.startsWith('{') ? parseEntry(content) : undefined;
  if (format === 'json') return entry ? `[${source}] ${JSON.stringify(redactValue(entry), null, 4)}` : redactText(line);
  const name = shortName(source);
  if (entry) return compactEntry(name, entry, now);
  const text = LAMBDA_TEXT.exec(content);
  if (text) return `${clock(new Date(text[1]!))} ${name} ${shortId(text[2]!)} ${text[3]} ${oneLine(redactText(text[4]!))}`;
  const report = REPORT.exec(content);
  if (report) return `${clock(now)} ${name} ${shortId(report[1]!)} ${compactReport(report)}`;
  // The twin's own lines ([api] access lines, build notes) keep their form, with the time in front.
  return `${clock(now)} ${redactText(line)}`;
}

function parseEntry(content: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(content);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `12:00:01.123 GetLink 1a2b3c4d INFO Request handled statusCode=200 route="GET /links"`. */
function compactEntry(name: string, raw: Record<string, unknown>, now: Date): string {
  const entry = redactValue(raw) as Record<string, unknown>;
  const time = typeof entry.timestamp === 'string' && !Number.isNaN(Date.parse(entry.timestamp)) ? new Date(entry.timestamp) : now;
  const requestId = typeof entry.function_request_id === 'string' ? ` ${shortId(entry.function_request_id)}` : '';
  const level = typeof entry.level === 'string' ? entry.level : 'INFO';
  const message = entry.message === undefined ? '' : ` ${oneLine(typeof entry.message === 'string' ? entry.message : JSON.stringify(entry.message))}`;
  const pairs = Object.entries(entry)
    .filter(([key]) => !STANDARD_KEYS.has(key))
    .map(([key, value]) => `${key}=${compactValue(key, value)}`);
  return `${clock(time)} ${name}${requestId} ${level}${message}${pairs.length > 0 ? ` ${pairs.join(' ')}` : ''}`;
}

function compactValue(key: string, value: unknown): string {
  // Powertools logs an Error as { name, location, message, stack }: name, message and where is what a person reads first.
  if (key === 'error' && value && typeof value === 'object' && 'message' in value) {
    const error = value as { name?: unknown; message?: unknown; location?: unknown };
    return quoteIfNeeded(`${String(error.name ?? 'Error')}: ${String(error.message)}${error.location ? ` @ ${String(error.location)}` : ''}`);
  }
  // Numbers, booleans, arrays and objects print as JSON (unambiguous as they are); strings are quoted when needed.
  return typeof value === 'string' ? quoteIfNeeded(value) : cut(JSON.stringify(value) ?? String(value));
}

function quoteIfNeeded(text: string): string {
  const short = cut(text);
  return /^[^\s"=]*$/.test(short) && short !== '' ? short : JSON.stringify(short);
}

function cut(text: string): string {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

function compactReport(report: RegExpExecArray): string {
  const [, , duration, memory, init, status] = report;
  const parts = [`${Number(duration).toFixed(1)} ms`];
  if (memory) parts.push(`${memory} MB`);
  if (init) parts.push(`init ${Number(init).toFixed(0)} ms`);
  if (status) parts.push(status);
  return `REPORT ${parts.join(', ')}`;
}

/** `GetLinkFunction` → `GetLink`; other sources (api) unchanged. */
function shortName(source: string): string {
  const short = source.replace(/Function$/, '');
  return short || source;
}

/** The first block of a request id: enough to tell a request's lines apart on one screen. */
function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** Local wall-clock time, HH:MM:SS.mmm. */
function clock(time: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
}
