import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Physical ids (pool id, client ids and secrets, API id…) are random like AWS's but must stay stable across
 * restarts, or every token, script and Postman environment would break. They live in one JSON file.
 */
export class IdStore {
  private readonly values: Record<string, string>;

  constructor(private readonly file?: string) {
    this.values = file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  }

  get(key: string, generate: () => string): string {
    const existing = this.values[key];
    if (existing !== undefined) return existing;
    const value = generate();
    this.values[key] = value;
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, JSON.stringify(this.values, null, 2), { mode: 0o600 });
    }
    return value;
  }
}

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomString(length: number, alphabet: string): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** The formats AWS uses, so code that validates ids (aws-jwt-verify does) accepts local ones. */
export const idFormats = {
  userPoolId: (region: string) => `${region}_${randomString(9, ALNUM)}`,
  clientId: () => randomString(26, LOWER_ALNUM),
  clientSecret: () => randomString(51, LOWER_ALNUM),
  restApiId: () => randomString(10, LOWER_ALNUM),
  // CloudFront: ids like E2QWRUHAPOMQZL, domain names like d111111abcdef8.cloudfront.net.
  distributionId: () => `E${randomString(13, ALNUM.slice(0, 26) + '0123456789')}`,
  distributionDomain: () => `d${randomString(13, LOWER_ALNUM)}.cloudfront.net`,
  suffix: () => randomString(12, ALNUM).toUpperCase(),
  /** A function URL's id, the first label of <id>.lambda-url.<region>.on.aws: 32 lower-case letters and digits. */
  functionUrlId: () => randomString(32, LOWER_ALNUM),
  /** An API key's value: 40 letters and digits, as API Gateway generates them. */
  apiKeyValue: () => randomString(40, ALNUM),
  uuid: () => randomUUID(),
};

/** The *.cloudfront.net name of a distribution: one per stack and logical id, stable across restarts. */
export function distributionDomainName(ids: IdStore, stackName: string, logicalId: string): string {
  return ids.get(`${stackName}/${logicalId}/DomainName`, idFormats.distributionDomain);
}
