// @ts-check

// Message catalogues without locale URL segments: the language comes from a cookie or Accept-Language
// (lib/i18n/request.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- this config file is CommonJS
const createNextIntlPlugin = require('next-intl/plugin');
const withNextIntl = createNextIntlPlugin('./lib/i18n/request.ts');

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The app is served by server.ts; it must not advertise its framework.
  poweredByHeader: false,
  reactStrictMode: true,
  // POST /v1/ (the JSON-RPC API) must be answered, not redirected: many clients do not follow a redirect on
  // POST. Next's own trailing-slash redirect is switched off and the rule below restores it for every other path.
  skipTrailingSlashRedirect: true,
  async redirects() {
    return [{ source: '/:path((?!v1/?$|api/v1/?$).+)/', destination: '/:path', permanent: true }];
  },
  // Tests and CI run their own typecheck and lint steps; a build must not repeat them.
  typescript: { ignoreBuildErrors: true },
  experimental: {
    serverActions: { bodySizeLimit: '1mb' },
  },
};

module.exports = withNextIntl(nextConfig);
