import dns from 'node:dns';
import net from 'node:net';
import type { WebhookTargetPolicy as TargetPolicy } from '../config/env';

/** Not the public internet: a webhook pointed here would reach the bridge's own network. */
const SPECIAL_V4: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const SPECIAL_V6: Array<[string, number]> = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

const special = new net.BlockList();
for (const [address, prefix] of SPECIAL_V4) special.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of SPECIAL_V6) special.addSubnet(address, prefix, 'ipv6');

export class TargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefused';
  }
}

/** `::ffff:10.0.0.1` is 10.0.0.1 to the kernel; it is checked as such. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], family: 'ipv4' };
  return { address, family: net.isIPv4(address) ? 'ipv4' : 'ipv6' };
}

export function parseNetworks(cidrs: string[]): net.BlockList {
  const allowed = new net.BlockList();
  for (const cidr of cidrs) {
    const [address = '', prefix] = cidr.split('/');
    const family = net.isIPv4(address) ? 'ipv4' : 'ipv6';
    allowed.addSubnet(address, Number(prefix ?? (family === 'ipv4' ? 32 : 128)), family);
  }
  return allowed;
}

export class TargetGuard {
  private readonly allowed: net.BlockList;

  constructor(private readonly policy: TargetPolicy) {
    this.allowed = parseNetworks(policy.allowedNetworks);
  }

  /** Why the address may not be called, or undefined when it may. */
  addressProblem(raw: string): string | undefined {
    const { address, family } = unmapped(raw);
    if (this.allowed.check(address, family)) return undefined;
    if (special.check(address, family))
      return `${raw} is a private, loopback or reserved address (allow it with WEBHOOK_ALLOWED_NETWORKS)`;
    return undefined;
  }

  /** Checks what the URL says (scheme, host, no credentials); the address is checked when it is resolved. */
  checkUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new TargetRefused('is not an absolute URL');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.policy.allowHttp))
      throw new TargetRefused(this.policy.allowHttp ? 'must be http or https' : 'must be https (WEBHOOK_ALLOW_HTTP is off)');
    if (url.username || url.password) throw new TargetRefused('must not carry credentials; use the signature to authenticate the bridge');
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (!this.hostAllowed(host)) throw new TargetRefused(`host '${host}' is not in WEBHOOK_ALLOWED_HOSTS`);
    if (net.isIP(host)) {
      const problem = this.addressProblem(host);
      if (problem) throw new TargetRefused(problem);
    }
    return url;
  }

  /** Resolves the URL's host now and refuses it when any of its addresses may not be called. */
  async checkResolved(url: URL): Promise<void> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = await resolveAll(host);
    for (const { address } of addresses) {
      const problem = this.addressProblem(address);
      if (problem) throw new TargetRefused(`'${host}' resolves to ${problem}`);
    }
  }

  /**
   * A `lookup` for http.request: the connection goes to an address checked at connect time, so a name
   * that resolves elsewhere between the check and the call (DNS rebinding) is still refused.
   */
  readonly lookup: net.LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      const refused = list.map((entry) => this.addressProblem(entry.address)).find((problem) => problem !== undefined);
      if (refused) return callback(new TargetRefused(`'${hostname}' resolves to ${refused}`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(new TargetRefused(`'${hostname}' has no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };

  private hostAllowed(host: string): boolean {
    if (this.policy.allowedHosts.length === 0) return true;
    return this.policy.allowedHosts.some((entry) => {
      const pattern = entry.toLowerCase();
      return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern;
    });
  }
}

/** A subscription request waits at most this long for its host to resolve. */
const RESOLVE_TIMEOUT_MS = 5000;

function resolveAll(host: string): Promise<dns.LookupAddress[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TargetRefused(`'${host}' did not resolve within ${RESOLVE_TIMEOUT_MS / 1000} s`)), RESOLVE_TIMEOUT_MS);
    timer.unref();
    dns.lookup(host, { all: true }, (error, addresses) => {
      clearTimeout(timer);
      if (error) reject(new TargetRefused(`'${host}' does not resolve (${error.code ?? error.message})`));
      else resolve(addresses);
    });
  });
}
