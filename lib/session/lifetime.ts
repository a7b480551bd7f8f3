/**
 * How long any session lives, however busy (spec §13): the web session's row and cookie, and an API
 * session from its `auth`. A leaked cookie or token does not live forever. One constant, so that the three
 * can never disagree.
 */
export const SESSION_LIFETIME_MS = 12 * 60 * 60_000;
