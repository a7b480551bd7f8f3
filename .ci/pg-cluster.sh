#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb in a fresh folder of $TMPDIR (else /tmp) as an unprivileged
# user, a free port on 127.0.0.1, trust authentication for local TCP connections only, fsync off.
#
#   .ci/pg-cluster.sh start [STATE_FILE]   start one, print its URL (postgres://USER@127.0.0.1:PORT/postgres)
#   .ci/pg-cluster.sh url   [STATE_FILE]   print the URL of the cluster started with this state file
#   .ci/pg-cluster.sh socket-url [STATE_FILE]  the same cluster through its Unix socket
#                                          (postgres://USER@localhost/postgres?host=SOCKET_DIR&port=PORT)
#   .ci/pg-cluster.sh stop  [STATE_FILE]   stop it and delete its directory
#
# The state (directory, port, pid, user) lives in STATE_FILE (default: $PORTCULLIS_PG_STATE, else
# /tmp/portcullis-pg-cluster.state). `stop` only ever stops the cluster recorded there, and only if its
# directory is one this script created (it carries a marker file): it never touches another cluster.
# PG_BINDIR overrides the binaries' folder (default: the newest /usr/lib/postgresql/*/bin).
set -euo pipefail

cmd="${1:-}"
state="${2:-${PORTCULLIS_PG_STATE:-/tmp/portcullis-pg-cluster.state}}"
marker=".portcullis-throwaway-cluster"

bindir="${PG_BINDIR:-}"
if [ -z "$bindir" ]; then
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then bindir="$d"; break; fi
  done
fi

die() { echo "pg-cluster: $*" >&2; exit 1; }

# Run a command as the cluster's owner (initdb and postgres refuse root).
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}

read_state() {
  [ -f "$state" ] || die "no cluster recorded in $state"
  # shellcheck disable=SC1090
  . "$state"
  [ -n "${PGC_DIR:-}" ] && [ -n "${PGC_PORT:-}" ] && [ -n "${PGC_USER:-}" ] || die "state file $state is incomplete"
}

url_of() { echo "postgres://$1@127.0.0.1:$2/postgres"; }
# host= names the socket's folder (libpq and node-postgres both read it; "localhost" is only a placeholder
# that keeps the URL valid), port= the socket's name (.s.PGSQL.PORT).
socket_url_of() { echo "postgres://$1@localhost/postgres?host=$2/socket&port=$3"; }

free_port() {
  # Ask the kernel for a free port (bind to port 0), then hand it to postgres.
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})' 2>/dev/null \
    || python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
}

case "$cmd" in
  start)
    [ -n "$bindir" ] && [ -x "$bindir/initdb" ] || die "PostgreSQL binaries not found (install Debian's postgresql, or set PG_BINDIR)"
    if [ -f "$state" ]; then
      die "$state already records a cluster (run stop first, or pass another state file)"
    fi
    if [ "$(id -u)" = 0 ]; then
      if getent passwd postgres >/dev/null; then owner=postgres; else owner=nobody; fi
    else
      owner="$(id -un)"
    fi
    # In the run's temporary directory (npm test gives the suites a fresh one and checks that it ends empty).
    dir="$(mktemp -d "${TMPDIR:-/tmp}/portcullis-pg.XXXXXX")"
    touch "$dir/$marker"
    mkdir "$dir/data" "$dir/socket"
    [ "$(id -u)" = 0 ] && chown -R "$owner" "$dir"
    chmod 700 "$dir/data"
    as_owner "$bindir/initdb" -D "$dir/data" -U "$owner" --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"; }
    # Local connections only: TCP on 127.0.0.1 and the private socket directory.
    cat >"$dir/data/pg_hba.conf" <<HBA
local all all trust
host  all all 127.0.0.1/32 trust
HBA
    started=""
    for _ in 1 2 3 4 5; do
      port="$(free_port)"
      if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
          -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null 2>&1; then
        started=1; break
      fi
    done
    [ -n "$started" ] || { cat "$dir/server.log" >&2 || true; rm -rf "$dir"; die "could not start postgres"; }
    pid="$(head -1 "$dir/data/postmaster.pid")"
    printf 'PGC_DIR=%q\nPGC_PORT=%q\nPGC_PID=%q\nPGC_USER=%q\nPGC_BINDIR=%q\n' "$dir" "$port" "$pid" "$owner" "$bindir" >"$state"
    url_of "$owner" "$port"
    ;;
  url)
    read_state
    url_of "$PGC_USER" "$PGC_PORT"
    ;;
  socket-url)
    read_state
    socket_url_of "$PGC_USER" "$PGC_DIR" "$PGC_PORT"
    ;;
  stop)
    if [ ! -f "$state" ]; then echo "pg-cluster: no cluster recorded in $state" >&2; exit 0; fi
    read_state
    owner="$PGC_USER"
    [ -f "$PGC_DIR/$marker" ] || die "$PGC_DIR was not created by this script; not touching it"
    if [ -f "$PGC_DIR/data/postmaster.pid" ]; then
      as_owner "${PGC_BINDIR:-$bindir}/pg_ctl" -D "$PGC_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
        || { [ -n "${PGC_PID:-}" ] && kill "$PGC_PID" 2>/dev/null || true; }
    fi
    rm -rf "$PGC_DIR"
    rm -f "$state"
    ;;
  *)
    echo "usage: $0 start|stop|url|socket-url [STATE_FILE]" >&2
    exit 2
    ;;
esac
