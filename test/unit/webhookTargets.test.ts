import { TargetGuard, TargetRefused } from '../../src/webhooks/targetPolicy';

const guard = (policy: Partial<ConstructorParameters<typeof TargetGuard>[0]> = {}) =>
  new TargetGuard({ allowedHosts: [], allowedNetworks: [], allowHttp: false, ...policy });

describe('webhook target guard (SSRF)', () => {
  it.each(['127.0.0.1', '10.0.0.5', '172.16.3.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd12::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:c0a8:1', '224.0.0.1'])(
    'refuses %s',
    (address) => expect(guard().addressProblem(address)).toMatch(/private, loopback or reserved/),
  );

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111'])('lets the public address %s through', (address) =>
    expect(guard().addressProblem(address)).toBeUndefined(),
  );

  it('lets through what WEBHOOK_ALLOWED_NETWORKS names, and only that', () => {
    const allowing = guard({ allowedNetworks: ['10.1.0.0/16', '127.0.0.1'] });
    expect(allowing.addressProblem('10.1.200.3')).toBeUndefined();
    expect(allowing.addressProblem('127.0.0.1')).toBeUndefined();
    expect(allowing.addressProblem('::ffff:127.0.0.1')).toBeUndefined();
    expect(allowing.addressProblem('10.2.0.1')).toBeDefined();
    expect(allowing.addressProblem('127.0.0.2')).toBeDefined();
  });

  it('checks the address as the connection resolves it (a name that turns into loopback later is still refused)', async () => {
    const error = await new Promise<Error | null>((resolve) => guard().lookup('localhost', {}, (failure) => resolve(failure)));
    expect(error).toBeInstanceOf(TargetRefused);
    expect(error?.message).toMatch(/localhost' resolves to/);
    const allowed = await new Promise<string>((resolve, reject) =>
      guard({ allowedNetworks: ['127.0.0.0/8', '::1/128'] }).lookup('localhost', {}, (failure, address) =>
        failure ? reject(failure) : resolve(String(address)),
      ),
    );
    expect(allowed).toMatch(/^(127\.|::1)/);
  });

  it('host allowlist: exact names and *.suffix', () => {
    const hosts = guard({ allowedHosts: ['hooks.example.com', '*.corp.example'] });
    expect(() => hosts.checkUrl('https://hooks.example.com/a')).not.toThrow();
    expect(() => hosts.checkUrl('https://a.b.corp.example/a')).not.toThrow();
    expect(() => hosts.checkUrl('https://corp.example.evil.com/a')).toThrow(TargetRefused);
    expect(() => hosts.checkUrl('https://evilhooks.example.com/a')).toThrow(TargetRefused);
  });
});
