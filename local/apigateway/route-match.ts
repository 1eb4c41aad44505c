import type { Route } from './api-model';

/** What matching needs of a route: REST API methods and HTTP API routes alike. */
export interface RouteTemplate {
  resourcePath: string;
  method: string;
}

export type RouteMatch<R extends RouteTemplate = Route> =
  | { found: true; route: R; pathParameters: Record<string, string> | null }
  /** No resource matches the path, or it has no such method: both are "Missing Authentication Token". */
  | { found: false };

/** How specific a template segment is: a literal beats `{param}`, which beats `{greedy+}`. */
const LITERAL = 3;
const PARAM = 2;
const GREEDY = 1;

/**
 * API Gateway's resource selection: the most specific resource whose template matches the path
 * (compared segment by segment), then the method on that resource — an explicit one before ANY.
 * `path` is the raw path after the stage (still percent-encoded: REST APIs pass it on that way);
 * a single trailing slash is ignored.
 */
export function matchRoute<R extends RouteTemplate = Route>(routes: readonly R[], method: string, path: string): RouteMatch<R> {
  const segments = pathSegments(path);
  let best: { resourcePath: string; score: number[]; params: Record<string, string> } | undefined;
  for (const resourcePath of new Set(routes.map((route) => route.resourcePath))) {
    const matched = matchTemplate(pathSegments(resourcePath), segments);
    if (matched && (!best || moreSpecific(matched.score, best.score))) best = { resourcePath, ...matched };
  }
  if (!best) return { found: false };
  const onResource = routes.filter((route) => route.resourcePath === best.resourcePath);
  const route = onResource.find((r) => r.method === method) ?? onResource.find((r) => r.method === 'ANY');
  if (!route) return { found: false };
  return { found: true, route, pathParameters: Object.keys(best.params).length > 0 ? best.params : null };
}

function pathSegments(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed === '/' || trimmed === '' ? [] : trimmed.replace(/^\//, '').split('/');
}

function matchTemplate(template: string[], segments: string[]): { score: number[]; params: Record<string, string> } | undefined {
  const params: Record<string, string> = {};
  const score: number[] = [];
  for (let i = 0; i < template.length; i++) {
    const part = template[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy) {
      // A greedy variable is always last and takes the rest of the path: at least one segment.
      const rest = segments.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      params[greedy[1]!] = rest.join('/');
      score.push(GREEDY);
      return { score, params };
    }
    const segment = segments[i];
    if (segment === undefined || segment === '') return undefined;
    const param = /^\{(.+)\}$/.exec(part);
    if (param) {
      params[param[1]!] = segment;
      score.push(PARAM);
    } else if (part === segment) {
      score.push(LITERAL);
    } else {
      return undefined;
    }
  }
  return template.length === segments.length ? { score, params } : undefined;
}

function moreSpecific(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return false;
}
