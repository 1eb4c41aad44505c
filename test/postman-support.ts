/** Helpers for the test/postman*.test.ts files: the collection as data, its scripts, a fake target. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiTarget } from '../scripts/lib/targets';

export const ROOT = join(__dirname, '..');
export const COLLECTION_FILE = join(ROOT, 'postman', 'links-api.postman_collection.json');

export interface Script {
  listen: string;
  script: { exec: string[] };
}
export interface Item {
  id?: string;
  name: string;
  item?: Item[];
  event?: Script[];
  request?: {
    method: string;
    header?: { key: string; value: string; disabled?: boolean }[];
    url: { raw: string } | string;
    body?: { mode: string; raw?: string };
    auth?: { type: string };
  };
}
export interface Collection {
  info: { name: string; schema: string };
  auth?: { type: string; oauth2?: { key: string; value: unknown }[] };
  event?: Script[];
  variable?: { key: string; value: unknown }[];
  item: Item[];
}

export function loadCollection(): Collection {
  return JSON.parse(readFileSync(COLLECTION_FILE, 'utf8')) as Collection;
}

export function requests(items: Item[], path: string[] = []): { path: string[]; item: Item }[] {
  return items.flatMap((item) =>
    item.item ? requests(item.item, [...path, item.name]) : [{ path: [...path, item.name], item }],
  );
}

export function findRequest(collection: Collection, name: string): Item {
  const found = requests(collection.item).find((r) => r.item.name === name);
  if (!found) throw new Error(`no request named ${name}`);
  return found.item;
}

/** The source of a collection- or item-level script. */
export function scriptOf(events: Script[] | undefined, listen: 'prerequest' | 'test'): string {
  const event = events?.find((e) => e.listen === listen);
  if (!event) throw new Error(`no ${listen} script`);
  return event.script.exec.join('\n');
}

/** Every script in the collection, collection-level ones included. */
export function allScripts(collection: Collection): string[] {
  const fromItems = (items: Item[]): string[] =>
    items.flatMap((item) => [...(item.event ?? []).map((e) => e.script.exec.join('\n')), ...fromItems(item.item ?? [])]);
  return [...(collection.event ?? []).map((e) => e.script.exec.join('\n')), ...fromItems(collection.item)];
}

/** Every string anywhere in a JSON value. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

/** Looks like a real deployment: Cognito-shaped ids and secrets. */
export const FAKE_TARGET: ApiTarget = {
  kind: 'local',
  region: 'eu-west-1',
  apiUrl: 'http://127.0.0.1:3000/v1/',
  tokenUrl: 'http://127.0.0.1:9229/oauth2/token',
  issuerUrl: 'http://127.0.0.1:9229/eu-west-1_AbCdEf123',
  cognitoEndpoint: 'http://127.0.0.1:9229',
  userPoolId: 'eu-west-1_AbCdEf123',
  resourceServerId: 'links-api',
  clients: {
    m2m: { clientId: '4abc5example6clientid789xy', clientSecret: '1example2secret3value4for5tests6abcdefghijklmnopq', scopes: ['links-api/read', 'links-api/write'] },
    readonly: { clientId: '7readonly8client9id0abcdef', clientSecret: 'zyx9readonly8secret7value6for5tests4abcdefghijklm', scopes: ['links-api/read'] },
    user: {
      clientId: '2user3client4id5abcdefghij',
      clientSecret: 'u1ser2secret3value4for5tests6abcdefghijklmnopqrst',
      scopes: ['openid', 'email', 'links-api/read', 'links-api/write'],
    },
  },
  cognito: { region: 'eu-west-1', endpoint: 'http://127.0.0.1:9229', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
};
