// Vite build of the agent app: web/ → dist/web (served by the screenpop server); dev proxies the API.
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import preact from '@preact/preset-vite';
import { resolve } from 'node:path';

const backend = process.env.SCREENPOP_DEV_BACKEND ?? 'http://127.0.0.1:3000';

/**
 * The built app allows only its own scripts, styles and socket: even if untrusted caller-ID text ever
 * reached the DOM as markup, nothing would run. Build only: the dev server injects inline styles for HMR.
 */
const CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

const contentSecurityPolicy = (): Plugin => ({
  name: 'screenpop-csp',
  apply: 'build',
  transformIndexHtml: () => [
    {
      tag: 'meta',
      attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP },
      injectTo: 'head-prepend',
    },
  ],
});

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact(), contentSecurityPolicy()],
  build: {
    outDir: resolve(import.meta.dirname, '../dist/web'),
    emptyOutDir: true,
    target: 'es2023',
  },
  server: {
    host: '127.0.0.1',
    // The server refuses sockets and writes whose Origin is not its own: present the backend's origin.
    proxy: {
      '/api': {
        target: backend,
        ws: true,
        configure: (proxy) => {
          proxy.on('proxyReq', (req) => req.setHeader('origin', backend));
          proxy.on('proxyReqWs', (req) => req.setHeader('origin', backend));
        },
      },
      '/auth': {
        target: backend,
        configure: (proxy) => proxy.on('proxyReq', (req) => req.setHeader('origin', backend)),
      },
    },
  },
});
