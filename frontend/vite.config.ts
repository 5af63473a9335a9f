import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const frontendRoot = fileURLToPath(new URL('.', import.meta.url));
const gateway = 'http://127.0.0.1:3000';

export default defineConfig({
  root: frontendRoot,
  plugins: [react(), tailwindcss()],
  resolve: {
    // Only the browser-safe entry of the contracts: constants and types, no decorators or class-validator.
    alias: [
      {
        find: /^@crm\/contracts\/browser$/,
        replacement: fileURLToPath(new URL('../libs/contracts/src/browser.ts', import.meta.url)),
      },
    ],
  },
  server: {
    port: 5173,
    proxy: {
      '/crm': { target: gateway, changeOrigin: false },
      '/webhooks': { target: gateway, changeOrigin: false },
      '/api': { target: gateway, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Long-lived vendor chunks: an app deploy does not invalidate the browser's copy of React & co.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'router', test: /node_modules[\\/]react-router[\\/]/ },
            { name: 'query', test: /node_modules[\\/]@tanstack[\\/]/ },
            { name: 'i18n', test: /node_modules[\\/](i18next|react-i18next)[\\/]/ },
            {
              // Recharts and what it brings (d3 pieces, redux): only the dashboard draws charts.
              name: 'charts',
              test: /node_modules[\\/](recharts|victory-vendor|d3-[a-z-]+|internmap|@reduxjs|react-redux|redux|redux-thunk|immer|reselect|es-toolkit|decimal\.js-light|eventemitter3|use-sync-external-store)[\\/]/,
            },
            {
              name: 'contracts',
              test: /libs[\\/]contracts[\\/]/,
            },
          ],
        },
      },
    },
  },
});
