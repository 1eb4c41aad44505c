/**
 * Sample events, one per function of the two templates, named by logical id so that
 * `sam local invoke <LogicalId> -e events/<LogicalId>.json` just works. test/events.test.ts keeps the set
 * complete and runs each through its handler. This module only finds and reads them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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
