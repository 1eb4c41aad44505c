import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { build, formatMessages, type Message, type Metafile } from 'esbuild';
import { esbuildOptionsFor } from './esbuild-options';
import type { FunctionSpec } from './function-spec';

/** A source file the bundle was built from, as it was when the build started. */
export interface InputStamp {
  path: string;
  mtimeMs: number;
  size: number;
}

export type BuildResult =
  | { ok: true; taskRoot: string; inputs: InputStamp[]; durationMs: number }
  | { ok: false; message: string; durationMs: number };

/** Bundles one function into `outdir` as `sam build` would. Never throws: a failed build is a result. */
export async function buildBundle(spec: FunctionSpec, outdir: string): Promise<BuildResult> {
  const started = Date.now();
  try {
    const result = await build(esbuildOptionsFor(spec, outdir));
    return { ok: true, taskRoot: outdir, inputs: sourceInputs(result.metafile, spec.codeDir, started), durationMs: Date.now() - started };
  } catch (error) {
    return { ok: false, message: await buildErrorText(error), durationMs: Date.now() - started };
  }
}

/** The bundle's own sources (not node_modules) with their stamps, so an edit can be noticed cheaply. */
export function sourceInputs(metafile: Metafile | undefined, workingDir: string, buildStartedMs: number): InputStamp[] {
  if (!metafile) return [];
  const stamps: InputStamp[] = [];
  for (const input of Object.keys(metafile.inputs)) {
    // Virtual inputs ("<define:…>", "(disabled):fs") are not files.
    if (/node_modules[\\/]/.test(input) || /^[<(]/.test(input)) continue;
    const path = isAbsolute(input) ? input : join(workingDir, input);
    const stamp = stampOf(path);
    // A file written while the build was reading it may be in the bundle in its old form: force a rebuild.
    stamps.push(stamp && stamp.mtimeMs < buildStartedMs ? stamp : { path, mtimeMs: -1, size: -1 });
  }
  return stamps;
}

/**
 * How long an "unchanged" answer stands. Under a stream of calls the sources are stat'ed at most this often
 * instead of on every call (about twenty files a function); the first call after a quiet moment always looks.
 */
export const SOURCE_CHECK_INTERVAL_MS = 50;
const lastSeenUnchanged = new WeakMap<readonly InputStamp[], number>();

/** True when any input changed, vanished, or was being written during the build (see SOURCE_CHECK_INTERVAL_MS). */
export function inputsChanged(inputs: readonly InputStamp[], nowMs: number = performance.now()): boolean {
  const seen = lastSeenUnchanged.get(inputs);
  if (seen !== undefined && nowMs - seen < SOURCE_CHECK_INTERVAL_MS) return false;
  const changed = anyInputChanged(inputs);
  if (changed) lastSeenUnchanged.delete(inputs);
  else lastSeenUnchanged.set(inputs, nowMs);
  return changed;
}

function anyInputChanged(inputs: readonly InputStamp[]): boolean {
  return inputs.some((input) => {
    const now = stampOf(input.path);
    return !now || now.mtimeMs !== input.mtimeMs || now.size !== input.size;
  });
}

function stampOf(path: string): InputStamp | undefined {
  try {
    const stat = statSync(path);
    return { path, mtimeMs: stat.mtimeMs, size: stat.size };
  } catch {
    return undefined;
  }
}

async function buildErrorText(error: unknown): Promise<string> {
  const errors = (error as { errors?: Message[] } | undefined)?.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const lines = await formatMessages(errors, { kind: 'error', color: false });
    return `Build failed (esbuild):\n${lines.join('').trim()}`;
  }
  return `Build failed (esbuild): ${error instanceof Error ? error.message : String(error)}`;
}
