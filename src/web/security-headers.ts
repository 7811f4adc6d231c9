import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Headers on every dashboard response: no framing (clickjacking), no MIME
 * sniffing, referrers kept on this origin, and a Content-Security-Policy that
 * runs only this server's own files. The pages hold no inline script, event
 * handler or style attribute (echarts and the drawing script are served from
 * `/dashboard/assets`; chart heights are set by that script), so no
 * 'unsafe-inline' and no nonces are needed. The favicon is an empty `data:` URL.
 * HSTS is left to whatever terminates TLS.
 */
export function dashboardHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
    strictTransportSecurity: false,
  });
}
