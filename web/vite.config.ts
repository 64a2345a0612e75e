// Vite build of the agent app: web/ → dist/web (served by the screenpop server); dev proxies the API.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { resolve } from 'node:path';

const backend = process.env.SCREENPOP_DEV_BACKEND ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact()],
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
