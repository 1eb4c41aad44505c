/**
 * Reads a required environment variable at call time (not import time), so tests and the local twin
 * can set it after loading a module, and a missing one fails the request that needs it, loudly.
 */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}
