#!/usr/bin/env bash
# Runs a command with PgBouncer in transaction pooling mode (what Neon's pooled connection string
# is) in front of the test PostgreSQL, and TEST_POOLER_URL set so the apps under test connect
# through it (test databases are still created and dropped directly; see scripts/test/global-setup.ts).
#
#   scripts/test/with-pgbouncer.sh npx vitest run apps/api
#
# The server is TEST_DATABASE_URL's, else postgres://postgres@127.0.0.1:5432. Needs Debian's
# `pgbouncer` (apt-get install pgbouncer); PgBouncer stops when the command ends.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi
pgbouncer_bin=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
if [ ! -x "$pgbouncer_bin" ]; then
  echo "with-pgbouncer: pgbouncer is not installed (apt-get install pgbouncer)" >&2
  exit 1
fi

server_url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
# host, port, user, password of the server, and a free local port for PgBouncer.
mapfile -t settings < <(node -e '
  const url = new URL(process.argv[1]);
  const probe = require("node:net").createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close();
    for (const value of [url.hostname, url.port || "5432", url.username, url.password, port]) {
      console.log(decodeURIComponent(String(value)));
    }
  });
' "$server_url")
server_host=${settings[0]} server_port=${settings[1]} user=${settings[2]}
password=${settings[3]} port=${settings[4]}

if ! (exec 3<>"/dev/tcp/$server_host/$server_port") 2>/dev/null; then
  echo "with-pgbouncer: no PostgreSQL answers on $server_host:$server_port" >&2
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/tasklane-pgbouncer-XXXXXX")
pgbouncer_pid=
cleanup() {
  if [ -n "$pgbouncer_pid" ]; then
    kill "$pgbouncer_pid" 2>/dev/null || true
    wait "$pgbouncer_pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# auth_type trust still needs the user in auth_file; its password is what PgBouncer logs in to
# the server with. statement_timeout (which the API sends at connect) is refused unless ignored;
# behind PgBouncer it belongs on the role or database. Test databases come and go under the
# wildcard entry; DROP DATABASE … WITH (FORCE) cutting PgBouncer's server connections is harmless.
printf '"%s" "%s"\n' "$user" "$password" >"$dir/userlist.txt"
cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=$server_host port=$server_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
ignore_startup_parameters = statement_timeout
server_login_retry = 1
EOF
chmod 755 "$dir"
chmod 644 "$dir/userlist.txt" "$dir/pgbouncer.ini"

# PgBouncer refuses to run as root; -u switches to the postgres user (PostgreSQL's own).
as_user=()
if [ "$(id -u)" = 0 ]; then as_user=(-u postgres); fi
"$pgbouncer_bin" "${as_user[@]}" "$dir/pgbouncer.ini" >"$dir/pgbouncer.log" 2>&1 &
pgbouncer_pid=$!

ready=0
for _ in $(seq 100); do
  kill -0 "$pgbouncer_pid" 2>/dev/null || break
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.1
done
if [ "$ready" = 0 ]; then
  echo "with-pgbouncer: pgbouncer did not start listening on 127.0.0.1:$port:" >&2
  cat "$dir/pgbouncer.log" >&2
  exit 1
fi

echo "with-pgbouncer: PgBouncer $("$pgbouncer_bin" --version | head -1 | awk '{print $2}') (transaction pooling) on 127.0.0.1:$port -> $server_host:$server_port"
status=0
TEST_POOLER_URL="127.0.0.1:$port" "$@" || status=$?
if [ "$status" != 0 ]; then
  echo "with-pgbouncer: the command failed ($status); PgBouncer's last log lines:" >&2
  tail -n 30 "$dir/pgbouncer.log" >&2
fi
exit "$status"
