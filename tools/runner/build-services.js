#!/usr/bin/env node
// `npm run build:services`: compiles every service and the libs it imports to plain CommonJS under dist/, so
// production starts `node dist/services/<service>/main.js` with no compiler loaded. SWC (the same settings as the
// Jest transform: legacy decorators + decorator metadata, which NestJS DI needs) compiles file by file; the
// `@crm/*` path aliases are rewritten to relative requires. Layout:
//   services/<service>/src/**  -> dist/services/<service>/**   (so `../../..` from a service file is still the repo)
//   libs/<lib>/src/**          -> dist/libs/<lib>/**
// Tests (`__tests__/`, `__type-tests__/`, `*.spec.ts`, `*.int-spec.ts`) and libs/testing are left out.
// For each service it also writes dist/manifests/<service>.package.json: the production dependencies its compiled
// code actually requires (versions from the root package.json), and a pruned lockfile next to it, so an image
// installs only those with `npm ci --omit=dev`. A require of a devDependency or of an undeclared package fails the
// build.
const {
  cpSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  existsSync,
} = require('node:fs');
const { builtinModules } = require('node:module');
const { dirname, join, relative, sep } = require('node:path');

const ROOT = join(__dirname, '../..');
const DIST = join(ROOT, 'dist');
const SERVICES = ['gateway', 'crm-service', 'meta-ads-service', 'marketing-service', 'automation-service'];
const LIBS = ['contracts', 'nest-common'];
/** Alias -> file under dist (without extension). */
const ALIASES = {
  '@crm/contracts': 'libs/contracts/index',
  '@crm/contracts/browser': 'libs/contracts/browser',
  '@crm/nest-common': 'libs/nest-common/index',
};

const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
  swcrc: false,
};

function isTestPath(path) {
  return /(^|\/)(__tests__|__type-tests__)(\/|$)/.test(path) || /\.(spec|int-spec)\.ts$/.test(path);
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const rel = relative(ROOT, full).split(sep).join('/');
    if (isTestPath(rel)) continue;
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** dist path (no extension) of a source file. */
function distPathOf(sourceFile) {
  const rel = relative(ROOT, sourceFile).split(sep).join('/');
  return rel.replace(/^(services|libs)\/([^/]+)\/src\//, '$1/$2/').replace(/\.ts$/, '');
}

function rewriteAliases(code, fromDistFile) {
  return code.replace(/require\((["'])(@crm\/[^"']+)\1\)/g, (match, quote, spec) => {
    const target = ALIASES[spec];
    if (!target) throw new Error(`${fromDistFile}: cannot resolve ${spec} in a production build`);
    let rel = relative(dirname(fromDistFile), target).split(sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `require(${quote}${rel}${quote})`;
  });
}

function compile() {
  const swc = require('@swc/core');
  rmSync(DIST, { recursive: true, force: true });
  const roots = [
    ...SERVICES.map((s) => join(ROOT, 'services', s, 'src')),
    ...LIBS.map((l) => join(ROOT, 'libs', l, 'src')),
  ];
  let count = 0;
  for (const root of roots) {
    for (const file of sourceFiles(root)) {
      const distRel = distPathOf(file);
      const outFile = join(DIST, `${distRel}.js`);
      const { code, map } = swc.transformFileSync(file, {
        ...SWC_OPTIONS,
        filename: file,
        sourceFileName: relative(dirname(outFile), file),
      });
      mkdirSync(dirname(outFile), { recursive: true });
      const base = `${distRel.split('/').pop()}.js`;
      writeFileSync(outFile, `${rewriteAliases(code, distRel)}\n//# sourceMappingURL=${base}.map\n`);
      writeFileSync(`${outFile}.map`, map);
      count += 1;
    }
  }
  return count;
}

// ---- production dependencies per service ----

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * Packages a library loads by name at run time (no `require("...")` in our code to find): NestJS's HTTP adapter
 * (every service serves /health and /metrics) and TypeORM's PostgreSQL driver.
 */
function withRuntimeLoaded(packages) {
  const all = new Set(packages);
  if (all.has('@nestjs/core')) all.add('@nestjs/platform-express');
  if (all.has('typeorm')) all.add('pg');
  return [...all].sort();
}

function packageOf(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Bare packages required (statically) by everything reachable from `entry` inside dist/. */
function requiredPackages(entry) {
  const seen = new Set();
  const packages = new Set();
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const [, spec] of code.matchAll(/require\(["']([^"']+)["']\)/g)) {
      if (spec.startsWith('.')) {
        const base = join(dirname(file), spec);
        const resolved = [`${base}.js`, join(base, 'index.js'), base].find(
          (candidate) => candidate.endsWith('.js') && existsSync(candidate),
        );
        if (!resolved) throw new Error(`${relative(ROOT, file)}: cannot resolve ${spec}`);
        stack.push(resolved);
      } else if (!BUILTINS.has(spec)) {
        packages.add(packageOf(spec));
      }
    }
  }
  return [...packages].sort();
}

/**
 * The lockfile entries a set of root dependencies needs (production only), found by walking the lock's own
 * dependency graph the way Node resolves: nested node_modules first, then each parent's.
 */
function prunedLock(lock, rootDeps) {
  const packages = lock.packages;
  const keep = new Set();
  function resolveFrom(fromPath, name) {
    let base = fromPath;
    for (;;) {
      const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
      if (packages[candidate]) return candidate;
      if (!base) return undefined;
      const index = base.lastIndexOf('/node_modules/');
      base = index === -1 ? '' : base.slice(0, index);
    }
  }
  const stack = rootDeps.map((name) => resolveFrom('', name));
  while (stack.length) {
    const path = stack.pop();
    if (!path || keep.has(path)) continue;
    const entry = packages[path];
    if (entry.link)
      throw new Error(`${path} is a workspace link; production images install registry packages only`);
    keep.add(path);
    const deps = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const name of Object.keys(deps)) {
      const resolved = resolveFrom(path, name);
      if (
        !resolved &&
        !(entry.optionalDependencies?.[name] || entry.peerDependenciesMeta?.[name]?.optional)
      ) {
        // Unmet peer dependencies are fine only when optional; anything else is a broken lockfile.
        if (!entry.peerDependencies?.[name])
          throw new Error(`${path}: ${name} missing from package-lock.json`);
      }
      if (resolved) stack.push(resolved);
    }
  }
  return keep;
}

function writeManifests() {
  const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const dir = join(DIST, 'manifests');
  mkdirSync(dir, { recursive: true });
  const manifests = {};
  const targets = [
    ...SERVICES.map((service) => [service, [join(DIST, 'services', service, 'main.js')]]),
    // The migration job runs every service's migrate.js.
    [
      'migrate',
      SERVICES.filter((s) => existsSync(join(DIST, 'services', s, 'migrate.js'))).map((s) =>
        join(DIST, 'services', s, 'migrate.js'),
      ),
    ],
  ];
  for (const [name, entries] of targets) {
    const needed = withRuntimeLoaded(entries.flatMap(requiredPackages));
    const dependencies = {};
    for (const pkg of needed) {
      const version = rootPackage.dependencies?.[pkg];
      if (!version) {
        const where = rootPackage.devDependencies?.[pkg] ? 'a devDependency' : 'not declared';
        throw new Error(`${name} requires ${pkg}, which is ${where} in package.json`);
      }
      dependencies[pkg] = version;
    }
    const manifest = {
      name: `crm-ventas-${name}`,
      version: rootPackage.version,
      private: true,
      engines: rootPackage.engines,
      dependencies,
    };
    const kept = prunedLock(lock, needed);
    const lockPackages = { '': { name: manifest.name, version: manifest.version, dependencies } };
    for (const path of [...kept].sort()) {
      // A production install: the dev flags of the workspace lock no longer apply.
      const entry = { ...lock.packages[path] };
      delete entry.dev;
      delete entry.devOptional;
      lockPackages[path] = entry;
    }
    const prunedLockfile = {
      name: manifest.name,
      version: manifest.version,
      lockfileVersion: 3,
      requires: true,
      packages: lockPackages,
    };
    writeFileSync(join(dir, `${name}.package.json`), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(join(dir, `${name}.package-lock.json`), `${JSON.stringify(prunedLockfile, null, 2)}\n`);
    manifests[name] = { dependencies: needed, lockEntries: kept.size };
  }
  return manifests;
}

/**
 * `--stage <target> <dir>`: lay out what one image holds (infra/Dockerfile copies the folder as it is): the
 * target's compiled code and the libs, its package.json + package-lock.json, the built frontend for the gateway, and
 * for `migrate` every service's code plus tools/runner/migrate.js, and main.js, the entry the image's CMD runs.
 */
function stage(target, outDir) {
  const targets = [...SERVICES, 'migrate'];
  if (!targets.includes(target))
    throw new Error(`--stage: unknown target ${target} (one of ${targets.join(', ')})`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const copy = (from, to = from) => cpSync(join(ROOT, from), join(outDir, to), { recursive: true });
  copy('dist/libs');
  if (target === 'migrate') {
    copy('dist/services');
    copy('tools/runner/migrate.js');
  } else {
    copy(`dist/services/${target}`);
  }
  if (target === 'gateway') {
    if (!existsSync(join(ROOT, 'frontend/dist/index.html'))) {
      throw new Error('--stage gateway: frontend/dist is missing (npm run build:frontend first)');
    }
    copy('frontend/dist');
  }
  // The image's entry point, so its CMD is a plain `node main.js` (exec form: node receives SIGTERM itself).
  const entry =
    target === 'migrate'
      ? [
          "const { migrateAll } = require('./tools/runner/migrate.js');",
          'try {',
          '  migrateAll(process.env, { compiled: true });',
          '} catch (error) {',
          '  console.error(error.message);',
          '  process.exit(1);',
          '}',
        ]
      : [`require('./dist/services/${target}/main.js');`];
  writeFileSync(
    join(outDir, 'main.js'),
    `// Written by build-services.js --stage ${target}.\n'use strict';\n${entry.join('\n')}\n`,
  );
  copy(`dist/manifests/${target}.package.json`, 'package.json');
  copy(`dist/manifests/${target}.package-lock.json`, 'package-lock.json');
}

function main() {
  const stageAt = process.argv.indexOf('--stage');
  if (stageAt !== -1) {
    const [target, outDir] = process.argv.slice(stageAt + 1, stageAt + 3);
    if (!target || !outDir) throw new Error('usage: build-services.js --stage <target> <dir>');
    stage(target, outDir);
    process.stdout.write(`build:services: ${target} staged in ${outDir}\n`);
    return;
  }
  const started = Date.now();
  const count = compile();
  const manifests = writeManifests();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`build:services: ${count} files compiled to dist/ in ${seconds}s\n`);
  for (const [name, { dependencies, lockEntries }] of Object.entries(manifests)) {
    process.stdout.write(`  ${name}: ${dependencies.length} direct, ${lockEntries} locked packages\n`);
  }
}

module.exports = { SERVICES, DIST, requiredPackages, prunedLock, stage };

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`build:services failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
