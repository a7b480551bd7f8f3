// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The app is served by server.ts; it must not advertise its framework.
  poweredByHeader: false,
  reactStrictMode: true,
  // Tests and CI run their own typecheck and lint steps; a build must not repeat them.
  typescript: { ignoreBuildErrors: true },
  experimental: {
    serverActions: { bodySizeLimit: '1mb' },
  },
};

module.exports = nextConfig;
