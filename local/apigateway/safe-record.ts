/**
 * A record for keys the client chose (header, query-string and parameter names): no prototype, so
 * `toString`, `constructor` or `hasOwnProperty` are absent until set, and `__proto__` is an ordinary key.
 * A plain `{}` answers `map['toString']` with Object.prototype's function, which is how a query named
 * `toString` once turned into a 500. JSON.stringify (the worker protocol) serialises these like any object.
 */
export function safeRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}
