// The origin a client reached the simulator on, for every absolute URL it hands out (session self/ws/subscriptions,
// channelURL, resourceURL, the login redirect). Behind a TLS front that maps GoTo's host names a client asked for
// https://realtime.jive.com, and GoTo answers with URLs on that host (goto-protocol.md §4.1, §5.1, §1.2); URLs built from
// the bind address would send the client's next request and its WebSocket around the front.
import type { IncomingHttpHeaders } from 'node:http';

/** A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing that could add a path or a user. */
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The first entry of a header a chain of proxies may have appended to ("https, http"). */
function firstEntry(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',')[0]?.trim();
  return first === undefined || first === '' ? undefined : first;
}

/**
 * http(s)://host[:port] the request was made to: X-Forwarded-Proto / X-Forwarded-Host when a front sets them, else
 * the Host header over plain HTTP; `fallback` (the bind address) when neither names a usable host.
 */
export function requestOrigin(headers: IncomingHttpHeaders, fallback: string): string {
  const forwardedProto = firstEntry(headers['x-forwarded-proto'])?.toLowerCase();
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : 'http';
  const host = firstEntry(headers['x-forwarded-host']) ?? headers.host;
  if (host === undefined || !HOST.test(host)) {
    return fallback;
  }
  return `${proto}://${host.toLowerCase()}`;
}

/** The WebSocket origin that goes with an HTTP origin: https → wss, http → ws. */
export function webSocketOrigin(httpOrigin: string): string {
  return httpOrigin.replace(/^http(s?):/, 'ws$1:');
}

/** Checks a --public-url value: an http(s) origin without path, query or credentials; returns it without a slash. */
export function parsePublicUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`simulator option publicUrl must be an absolute http(s) URL, got "${text}"`);
  }
  const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '';
  if (!(url.protocol === 'http:' || url.protocol === 'https:') || !bare || url.password !== '') {
    throw new Error(
      `simulator option publicUrl must be an http(s) origin like https://goto.test, got "${text}"`,
    );
  }
  return url.origin;
}
