/**
 * Sample events, one per function of the two templates, named by logical id so that
 * `sam local invoke <LogicalId> -e events/<LogicalId>.json` just works. test/events.test.ts keeps the set
 * complete and runs each through its handler. This module only finds and reads them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The app clients the samples' claims name. `npm run sam:env` writes copies of these events whose claims
 * name the twin's own clients, which is what a function checks them against (USER_/MACHINE_CLIENT_IDS).
 */
export const SAMPLE_CLIENT_IDS = { user: '7qj3n5r8t1v4x6z9b2d5f7h0k3', machine: '4mh8lq0v9r2t5p1k3s7d6f8g0h' } as const;

export function sampleEventPath(logicalId: string): string {
  return join(__dirname, `${logicalId}.json`);
}

/** Logical ids that have a sample event, sorted. */
export function sampleEventIds(): string[] {
  return readdirSync(__dirname)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

export function readSampleEvent(logicalId: string): Record<string, unknown> {
  return JSON.parse(readFileSync(sampleEventPath(logicalId), 'utf8')) as Record<string, unknown>;
}
