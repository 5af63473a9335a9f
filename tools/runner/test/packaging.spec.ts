// Production packaging, checked without a container engine: infra/Dockerfile and infra/Dockerfile.sandbox pass the
// Dockerfile validator (dockerfile-utils), and docker-compose.yml keeps its secure defaults — the sandbox only in the
// `dev` profile and never published, only the gateway published, Secure cookies unless turned off, health checks
// and resource limits everywhere, two replicas of each worker, every service from its own compiled image.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { parse } from 'yaml';
import { PRODUCTION_NODE_OPTIONS } from '@crm/testing';

const ROOT = join(__dirname, '../../..');
const WORKERS = ['crm-service', 'meta-ads-service', 'marketing-service', 'automation-service'];
const SERVICES = [...WORKERS, 'gateway'];

type ComposeService = {
  image?: string;
  build?: { dockerfile?: string; args?: Record<string, string> };
  command?: string[];
  profiles?: string[];
  ports?: unknown[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  read_only?: boolean;
  cap_drop?: string[];
  deploy?: { replicas?: number; resources?: { limits?: { cpus?: string; memory?: string } } };
};

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

function dockerfile(name: string): string {
  return readFileSync(join(ROOT, 'infra', name), 'utf8');
}

/** The instructions of the last stage (`FROM … AS runtime` to the end), comments and continuations joined. */
function lastStage(text: string): string[] {
  const lines = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() && !line.trim().startsWith('#'));
  const from = lines.map((line) => line.startsWith('FROM ')).lastIndexOf(true);
  return lines.slice(from);
}

describe('Dockerfiles', () => {
  it.each(['Dockerfile', 'Dockerfile.sandbox'])('%s has no validator diagnostics', (name) => {
    expect(validate(dockerfile(name)).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('the validator does report a broken Dockerfile (the check can fail)', () => {
    expect(validate('FROM node:20-bookworm-slim\nRUNN echo\n').length).toBeGreaterThan(0);
  });

  it('the runtime stage is slim, production-only, non-root, health-checked and runs compiled code', () => {
    const runtime = lastStage(dockerfile('Dockerfile'));
    expect(runtime[0]).toBe('FROM node:20-bookworm-slim AS runtime');
    expect(runtime).toContain('USER node');
    expect(runtime.some((line) => line.startsWith('HEALTHCHECK ') && line.includes('/health'))).toBe(true);
    expect(runtime.at(-1)).toBe('CMD ["node", "main.js"]');
    // No compiler and no install in the final image: dependencies come from the `deps` stage.
    expect(runtime.join('\n')).not.toMatch(/swc|npm (ci|install)|tsc/);
    const text = dockerfile('Dockerfile');
    expect(text).toContain('npm ci --omit=dev');
    expect(text).toContain('build-services.js --stage "$SERVICE"');
  });
});

describe('docker-compose.yml', () => {
  it('runs the sandbox only in the dev profile and never publishes it', () => {
    const sandbox = compose.services['meta-sandbox'];
    expect(sandbox.profiles).toEqual(['dev']);
    expect(sandbox.ports).toBeUndefined();
    for (const [name, service] of Object.entries(compose.services)) {
      if (name !== 'meta-sandbox')
        expect({ name, profiles: service.profiles }).toEqual({ name, profiles: undefined });
    }
  });

  it('publishes only the gateway', () => {
    const published = Object.entries(compose.services)
      .filter(([, service]) => service.ports?.length)
      .map(([name]) => name);
    expect(published).toEqual(['gateway']);
  });

  it('makes Redis require a password, and every service use it', () => {
    const redis = compose.services.redis;
    expect(redis.command?.join(' ')).toContain('--requirepass "$$REDISCLI_AUTH"');
    expect(redis.environment!.REDISCLI_AUTH).toBe('${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}');
    for (const name of SERVICES) {
      expect(compose.services[name].environment!.REDIS_URL).toBe(
        'redis://:${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}@redis:6379',
      );
    }
  });

  it('defaults to Secure cookies and to Meta itself, not the sandbox', () => {
    const gateway = compose.services.gateway.environment!;
    expect(gateway.COOKIE_SECURE).toBe('${COOKIE_SECURE:-true}');
    for (const name of SERVICES) {
      expect(compose.services[name].environment!.META_GRAPH_URL).toBe(
        '${META_GRAPH_URL:-https://graph.facebook.com}',
      );
    }
    expect(gateway.META_OAUTH_DIALOG_URL).toMatch(
      /^\$\{META_OAUTH_DIALOG_URL:-https:\/\/www\.facebook\.com\//,
    );
  });

  it.each(SERVICES)('%s runs from its own compiled image, read-only, with no capabilities', (name) => {
    const service = compose.services[name];
    expect(service.build).toMatchObject({ dockerfile: 'infra/Dockerfile', args: { SERVICE: name } });
    expect(service.image).toBe(`crm-ventas/${name}:\${CRM_IMAGE_TAG:-local}`);
    expect(service.command).toBeUndefined(); // the image's CMD: node main.js
    expect(service.read_only).toBe(true);
    expect(service.cap_drop).toEqual(['ALL']);
  });

  it('runs the migrations from the compiled migrate image', () => {
    expect(compose.services.migrate.build).toMatchObject({ args: { SERVICE: 'migrate' } });
    expect(compose.services.migrate.command).toBeUndefined();
  });

  it('health-checks every long-running service and limits its memory and CPU', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (name !== 'migrate')
        expect({ name, checks: service.healthcheck?.test?.length ?? 0 }).not.toEqual({ name, checks: 0 });
      expect({ name, limits: service.deploy?.resources?.limits }).toEqual({
        name,
        limits: { cpus: expect.stringMatching(/^\d/), memory: expect.stringMatching(/^\d+[MG]$/) },
      });
    }
  });

  it("bounds every service's heap to fit its memory limit, with the options the load bench runs", () => {
    const env = lastStage(dockerfile('Dockerfile')).find((line) => line.startsWith('ENV '))!;
    const options = /NODE_OPTIONS=(\S+)/.exec(env)?.[1];
    expect(options).toBe(PRODUCTION_NODE_OPTIONS);
    const heapMb = Number(/--max-old-space-size=(\d+)/.exec(options!)?.[1]);
    for (const name of SERVICES) {
      const limit = compose.services[name].deploy!.resources!.limits!.memory!;
      const limitMb = Number.parseInt(limit, 10) * (limit.endsWith('G') ? 1024 : 1);
      expect(compose.services[name].environment?.NODE_OPTIONS).toBeUndefined();
      // Room beside the old generation for the young one (up to 48 MB), code and native memory (~90 MB at idle).
      expect({ name, roomMb: limitMb - heapMb >= 192 }).toEqual({ name, roomMb: true });
    }
  });

  it('runs two replicas of each worker service and one gateway', () => {
    for (const name of WORKERS)
      expect({ name, replicas: compose.services[name].deploy?.replicas }).toEqual({ name, replicas: 2 });
    expect(compose.services.gateway.deploy?.replicas).toBeUndefined();
  });
});
