import { fileURLToPath } from 'node:url';
import { defineConfig, type Connect, type Plugin } from 'vite';
import { DEFAULT_CONFIG } from './src/config/defaults.ts';

/** The orchestrator's REST API, as scripts/services/apps.sh starts it. */
const API_TARGET = 'http://127.0.0.1:3000';

/** Only these modules of the libraries are bundled: they are pure (no Node, no native code). */
const libraryModule = (path: string) => fileURLToPath(new URL(`../../libs/${path}.ts`, import.meta.url));

/** In production the orchestrator serves /config.json; `vite` and `vite preview` answer with the local defaults. */
function localConfigJson(): Plugin {
  const serve = (server: { middlewares: Connect.Server }) => {
    server.middlewares.use('/config.json', (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(DEFAULT_CONFIG));
    });
  };
  return { name: 'cohort-local-config-json', configureServer: serve, configurePreviewServer: serve };
}

export default defineConfig({
  plugins: [localConfigJson()],
  resolve: {
    alias: {
      '@cohort/analysis/charts': libraryModule('analysis/src/charts'),
      '@cohort/analysis/tables': libraryModule('analysis/src/tables'),
      '@cohort/lineage/graph-contract': libraryModule('lineage/src/graph-contract'),
    },
  },
  // React's automatic runtime (Oxc does Vite 8's JSX; there is no React plugin here).
  oxc: { jsx: { runtime: 'automatic' } },
  server: {
    proxy: {
      // As the orchestrator does in production: /api/* is the REST API with the prefix stripped.
      '/api': { target: API_TARGET, rewrite: (path) => path.replace(/^\/api/, '') },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Vega (with Vega-Lite's compiler) is one ~1 MB chunk of its own, loaded with the first chart.
    chunkSizeWarningLimit: 1200,
  },
});
