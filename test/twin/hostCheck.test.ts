import { hostnameOf, isServedHost } from '../../local/host-check';

/** DNS-rebinding protection (local/host-check.ts): which Host headers the twin's listeners answer. */
describe('Host check', () => {
  test.each([
    ['127.0.0.1:9229', true], ['localhost:3000', true], ['LOCALHOST', true], ['[::1]:9229', true], ['app.localhost:5173', true],
    ['192.168.1.20:3000', true], ['abc123.execute-api.us-east-1.amazonaws.com', true], ['d111111abcdef8.cloudfront.net', true],
    ['login-1.auth.us-east-1.amazoncognito.com', true], [undefined, true],
    ['attacker.example:9229', false], ['localhost.attacker.example', false], ['127.0.0.1.nip.io:9229', false],
    ['amazonaws.com.attacker.example', false], ['', false], ['a b', false], ['host:port:extra', false],
  ])('Host %j is served: %s', (host, served) => {
    expect(isServedHost(host, [])).toBe(served);
  });

  test('names the user allows (--allowed-host) are served, case-insensitively, with any port', () => {
    expect(isServedHost('my-laptop.lan:3000', [])).toBe(false);
    expect(isServedHost('My-Laptop.lan:3000', ['my-laptop.lan'])).toBe(true);
  });

  test('hostnames are read without port or brackets', () => {
    expect(hostnameOf('[::1]:80')).toBe('::1');
    expect(hostnameOf('Example.COM.:8080')).toBe('example.com');
    expect(hostnameOf('bad host')).toBeUndefined();
  });
});
