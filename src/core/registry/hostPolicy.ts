/**
 * Which hosts may be spoken to over plain HTTP: loopback always (the Docker daemon's rule for
 * `localhost`/127.0.0.0/8), others only when the user lists them (`--insecure-registry`,
 * `CIE_INSECURE_REGISTRIES`). Everything else is HTTPS with verified certificates.
 */

/** `host` from `host`, `host:port`, `[v6]` or `[v6]:port`, lowercased. */
export function hostName(hostPort: string): string {
  const text = hostPort.toLowerCase();
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    return close < 0 ? text : text.slice(1, close);
  }
  const colon = text.lastIndexOf(':');
  return colon >= 0 && text.indexOf(':') === colon ? text.slice(0, colon) : text;
}

export function isLoopbackHost(hostPort: string): boolean {
  const host = hostName(hostPort);
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** Whether plain HTTP may be used: loopback, or listed as `host` (any port) or `host:port`. */
export function allowsPlainHttp(hostPort: string, insecureHosts: readonly string[] = []): boolean {
  if (isLoopbackHost(hostPort)) return true;
  const wanted = hostPort.toLowerCase();
  return insecureHosts.some((entry) => {
    const listed = entry.trim().toLowerCase();
    return listed !== '' && (listed === wanted || listed === hostName(wanted));
  });
}

/** A comma- or space-separated host list (`CIE_INSECURE_REGISTRIES=a:5000,b`). */
export function parseHostList(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
