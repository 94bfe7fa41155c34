import net from 'node:net';

/** A CIDR as WEBHOOK_ALLOWED_NETWORKS takes it: `address[/prefix]`. */
export function isCidr(value: string): boolean {
  const [address = '', prefix, extra] = value.split('/');
  const family = net.isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
