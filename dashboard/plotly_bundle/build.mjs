// Builds plotly-caei.min.js: plotly.js (the version plotly.py ships, pinned in package.json) with only the trace
// types in entry.js, the same esbuild settings as plotly.js's own build (esbuild-config.js in its package) less
// the plugins for WebGL shaders, which these traces do not use.
//     cd dashboard/plotly_bundle && npm ci && npm run build
// Writes plotly-caei.min.js and its brotli form plotly-caei.min.js.br; commit both.
import { readFile, writeFile } from 'node:fs/promises';
import { brotliCompressSync, constants } from 'node:zlib';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const OUT = 'plotly-caei.min.js';
const { version } = require('plotly.js/package.json');

// MapLibre's stylesheet is `require`d by plotly: add it to the page as a <style> element (the CSP allows
// inline styles for plotly; see dashboard/security.py).
const inlineCss = {
    name: 'inline-css',
    setup(build) {
        build.onLoad({ filter: /\.css$/ }, async (args) => {
            const css = await readFile(args.path, 'utf8');
            return {
                loader: 'js',
                contents:
                    'var s = document.createElement("style"); s.textContent = ' + JSON.stringify(css) +
                    '; document.head.appendChild(s);',
            };
        });
    },
};

await esbuild.build({
    entryPoints: ['entry.js'],
    outfile: OUT,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'none',
    plugins: [inlineCss],
    // country-iso-search: see no_country_names.js
    alias: { regl: '@plotly/regl', stream: 'stream-browserify', 'country-iso-search': './no_country_names.js' },
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    target: 'es2016',
    banner: { js: `/* plotly.js v${version} (MIT, Plotly, Inc.): bar, scatter, heatmap, scattermap, choroplethmap */` },
    logLevel: 'info',
});

// The hardening issue's CSP has no 'unsafe-eval': the bundle must not need it.
const built = await readFile(OUT, 'utf8');
for (const pattern of [/(?<![\w$.])eval\(/, /new Function\(/]) {
    if (pattern.test(built)) {
        console.error(`${OUT} calls ${pattern}: it would need 'unsafe-eval'`);
        process.exit(1);
    }
}

// Served as is to browsers that accept brotli (dashboard/plotly_bundle/__init__.py): the highest level takes
// seconds, too long for each request, and sends about a fifth less than the level used on the fly.
await writeFile(
    OUT + '.br',
    brotliCompressSync(built, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: built.length } }),
);
