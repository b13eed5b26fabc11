import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type HtmlTagDescriptor, type Plugin, type Rolldown } from 'vite';

// The API the dev server forwards to a running Meridian (npm start); the built app is served by Meridian itself.
const API_PATHS = [
  '/fhir',
  '/auth',
  '/identity',
  '/api',
  '/healthz',
  '/readyz',
  '/metrics',
  '/docs',
  '/.well-known',
  '/vault/v1',
];
const apiTarget = process.env.MERIDIAN_URL ?? 'http://localhost:8080';

/** Writes .br and .gz beside each text asset; the server sends them to browsers that accept them. */
function precompress(): Plugin {
  let outDir = 'dist';
  const compressible = /\.(js|css|html|svg|json|map)$/;
  return {
    name: 'meridian-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      // A failed build reaches here too, with nothing written: its own error is the one to show.
      if (!existsSync(outDir)) return;
      const walk = (folder: string): string[] =>
        readdirSync(folder).flatMap((name) => {
          const path = join(folder, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const file of walk(outDir)) {
        if (!compressible.test(file) || file.endsWith('.map') || statSync(file).size < 1024) continue;
        const content = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
        writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

/**
 * The entry (src/main.tsx) is small and loads the app with import() so it can ask the server who is signed
 * in before the app's scripts are evaluated. This links the app's chunk, the chunks it imports and its CSS
 * from index.html, so the browser fetches them from the start, alongside the entry, as it would a static import.
 */
function preloadApp(appModule: RegExp): Plugin {
  return {
    name: 'meridian-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        const chunks = Object.values(bundle ?? {}).filter(
          (file): file is Rolldown.OutputChunk => file.type === 'chunk',
        );
        const app = chunks.find((chunk) => chunk.facadeModuleId && appModule.test(chunk.facadeModuleId));
        if (!app) throw new Error(`meridian-preload-app: no chunk for ${appModule}`);
        const scripts = new Set<string>();
        const styles = new Set<string>();
        const visit = (chunk: Rolldown.OutputChunk) => {
          // The entry itself is index.html's script already.
          if (scripts.has(chunk.fileName) || chunk.isEntry) return;
          scripts.add(chunk.fileName);
          for (const css of chunk.viteMetadata?.importedCss ?? []) styles.add(css);
          for (const name of chunk.imports) {
            const imported = bundle?.[name];
            if (imported?.type === 'chunk') visit(imported);
          }
        };
        visit(app);
        const link = (rel: string, file: string): HtmlTagDescriptor => ({
          tag: 'link',
          attrs: { rel, crossorigin: true, href: `/${file}` },
          injectTo: 'head',
        });
        return [
          ...[...scripts].map((file) => link('modulepreload', file)),
          ...[...styles].map((file) => link('stylesheet', file)),
        ];
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), preloadApp(/[\\/]src[\\/]boot[\\/]mount\.tsx$/), precompress()],
  resolve: {
    // The repository also holds an older React (pulled in by a server-side dependency); one copy only.
    dedupe: ['react', 'react-dom'],
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(API_PATHS.map((path) => [path, { target: apiTarget }])),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The libraries' chunk is ~765 kB raw, ~236 kB gzipped: inside the 500 kB gzipped budget for first load.
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        // Libraries change less often than screens: a separate chunk stays cached across releases.
        codeSplitting: {
          groups: [
            // @mantine/charts and recharts' own React helpers (react-redux...) stay out: they load with the vitals chart.
            {
              name: 'vendor',
              test: /node_modules[\\/]((react|react-dom|scheduler)[\\/]|@mantine[\\/](?!charts)|@tanstack|@floating-ui)/,
            },
          ],
        },
      },
    },
  },
});
