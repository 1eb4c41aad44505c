import { readFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { environmentValues } from '../postman/environment';
import { allScripts, allStrings, COLLECTION_FILE, FAKE_TARGET, loadCollection, requests, scriptOf } from './postman-support';

const collection = loadCollection();
const all = requests(collection.item);

function compileError(source: string): string | undefined {
  try {
    new Script(source);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the Postman collection', () => {
  it('is a v2.1 collection with a folder per resource, then the run checks', () => {
    expect(collection.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    expect(collection.item.map((folder) => folder.name)).toEqual(['Links', 'Tags', 'User', 'Authorization', 'CloudFront', 'Checks']);
  });

  it('covers every route of the API', () => {
    const routes = new Set(
      all.map(({ item }) => {
        const raw = typeof item.request!.url === 'string' ? item.request!.url : item.request!.url.raw;
        const path = raw.replace('{{baseUrl}}', '').split('?')[0]!.replace(/\/links\/[^/]+/, '/links/{linkId}').replace(/\/tags\/[^/]+$/, '/tags/{tag}');
        return `${item.request!.method} ${path}`;
      }),
    );
    for (const route of ['POST /links', 'GET /links', 'GET /links/{linkId}', 'DELETE /links/{linkId}', 'PUT /links/{linkId}/tags/{tag}', 'DELETE /links/{linkId}/tags/{tag}', 'GET /tags', 'GET /me']) {
      expect(routes).toContain(route);
    }
  });

  it('tests every request', () => {
    for (const { path, item } of all) {
      expect({ request: path.join(' / '), hasTests: /pm\.test\(/.test(scriptOf(item.event, 'test')) }).toEqual({ request: path.join(' / '), hasTests: true });
    }
  });

  it('every script compiles', () => {
    for (const { path, item } of [...all, { path: ['(collection)'], item: { name: '', event: collection.event } }]) {
      for (const event of item.event ?? []) {
        const source = event.script.exec.join('\n');
        expect({ script: `${path.join(' / ')} (${event.listen})`, error: compileError(source) }).toEqual({ script: `${path.join(' / ')} (${event.listen})`, error: undefined });
      }
    }
  });

  it('scripts declare none of the Postman sandbox\'s globals (a SyntaxError there silently skips the script)', () => {
    const SANDBOX_GLOBALS = ['pm', 'postman', 'tests', 'globals', 'environment', 'data', 'request', 'responseCookies', 'responseHeaders', 'responseTime', 'responseCode', 'responseBody', 'iteration', '_', 'CryptoJS', 'atob', 'btoa', 'tv4', 'xml2Json', 'Backbone', 'cheerio', 'require', 'console'];
    for (const script of allScripts(collection)) {
      const declared = [...script.matchAll(/^(?:const|let|var|function|class)\s+([\w$]+)/gm)].map((m) => m[1]);
      expect(declared.filter((name) => SANDBOX_GLOBALS.includes(name!))).toEqual([]);
    }
  });

  it('has OAuth 2.0 client credentials as its auth, all values from the environment', () => {
    expect(collection.auth?.type).toBe('oauth2');
    const params = Object.fromEntries((collection.auth?.oauth2 ?? []).map((p) => [p.key, p.value]));
    expect(params).toMatchObject({
      grant_type: 'client_credentials',
      accessTokenUrl: '{{tokenUrl}}',
      clientId: '{{clientId}}',
      clientSecret: '{{clientSecret}}',
      scope: '{{scope}}',
      client_authentication: 'header',
    });
    expect(params).not.toHaveProperty('accessToken');
  });

  it('never lets the OAuth 2.0 helper override a request whose principal is not the M2M client', () => {
    for (const folder of collection.item.filter((f) => ['User', 'Authorization', 'CloudFront'].includes(f.name))) {
      expect(folder).toHaveProperty('auth', { type: 'noauth' });
    }
    for (const { path, item } of all.filter(({ path }) => path[0] === 'Links' || path[0] === 'Tags')) {
      const uses = (item.request!.header ?? []).map((h) => h.value).join(' ');
      if (uses.includes('{{readOnlyAccessToken}}')) expect({ path, auth: item.request!.auth }).toEqual({ path, auth: { type: 'noauth' } });
    }
  });

  it('authorizes requests with the raw cached token, never a literal one', () => {
    const allowed = new Set(['{{m2mAccessToken}}', '{{readOnlyAccessToken}}', '{{userIdToken}}', '{{userAccessToken}}', 'not-a-jwt']);
    for (const { item } of all) {
      for (const header of item.request!.header ?? []) {
        if (header.key.toLowerCase() === 'authorization') expect(allowed).toContain(header.value);
      }
    }
  });

  describe('holds no secret', () => {
    const text = readFileSync(COLLECTION_FILE, 'utf8');
    const strings = allStrings(collection);

    it('declares its variables with empty values', () => {
      for (const variable of collection.variable ?? []) expect({ key: variable.key, value: variable.value }).toEqual({ key: variable.key, value: '' });
    });

    it('contains no JWT, Basic credentials or key-like literal', () => {
      expect(text).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/); // a JWT
      expect(text).not.toMatch(/Basic [A-Za-z0-9+/]{16,}={0,2}/); // literal Basic credentials
      expect(text).not.toMatch(/-----BEGIN/);
      const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      const EXAMPLE_ULID = '01ARZ3NDEKTSV4RRFFQ69G5FAV'; // the ULID spec's example: the "unknown link"
      const suspicious = strings
        .flatMap((s) => s.match(/[A-Za-z0-9+_=-]{20,}/g) ?? [])
        .filter((s) => /\d/.test(s) && /[A-Za-z]/.test(s) && !UUID.test(s) && s !== EXAMPLE_ULID && !s.startsWith('AWSCognitoIdentityProviderService'));
      expect(suspicious).toEqual([]);
    });

    it('contains no password or secret value', () => {
      for (const key of ['password', 'clientSecret', 'PASSWORD', 'SECRET_HASH']) {
        for (const match of text.matchAll(new RegExp(`"${key}"\\s*:\\s*"([^"]*)"`, 'g'))) expect(match[1]).toMatch(/^(\{\{\w+\}\})?$/);
      }
    });

    it('contains none of the values an environment holds', () => {
      const env = environmentValues(FAKE_TARGET, { username: 'carol@example.net', password: 'Zebra-Crossing-77!' });
      const specific = ['clientId', 'clientSecret', 'readOnlyClientId', 'readOnlyClientSecret', 'userClientId', 'userClientSecret', 'userPoolId', 'username', 'password'];
      for (const key of specific) expect(text).not.toContain(env[key]);
    });
  });
});
