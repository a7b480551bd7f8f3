/**
 * Request headers that only server.ts may set. It deletes every client-supplied copy before the request
 * reaches Next, so anything reading them downstream sees server.ts's decision.
 */
export const CLIENT_ADDRESS_HEADER = 'x-portcullis-client-address';
export const CLIENT_PROTO_HEADER = 'x-portcullis-proto';

/**
 * Client-supplied headers that claim to describe the connection or to be internal to Next.js. A request
 * that carries any of them is passed on without them (`x-middleware-subrequest` is CVE-2025-29927).
 */
export const STRIPPED_HEADER = /^(x-forwarded-.*|forwarded|x-real-ip|x-client-ip|true-client-ip|cf-connecting-ip|fastly-client-ip|x-cluster-client-ip|x-middleware-.*|x-invoke-.*|x-portcullis-.*)$/i;
