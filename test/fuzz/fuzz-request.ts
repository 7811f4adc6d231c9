/** One request the fuzz suite sends: everything needed to replay it, printed as a counterexample. */
export interface FuzzRequest {
  /** The route it was generated for, `METHOD /pattern/:param`. */
  route: string;
  method: string;
  /** Path and query string, as sent. */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The request for `app.request`. */
export function toRequestInit(request: FuzzRequest): RequestInit {
  const withBody = request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD';
  return { method: request.method, headers: request.headers, ...(withBody && { body: request.body }) };
}

/** The request as one line: method, URL, headers and body, cut to `maxLength` characters. */
export function describeRequest(request: FuzzRequest, maxLength = 2000): string {
  const text = JSON.stringify({
    route: request.route,
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request.body,
  });
  return text.length <= maxLength ? text : `${text.slice(0, maxLength)}... (${text.length} characters)`;
}
