# Sourced by .ci/run: a throwaway PostgreSQL server for the tests, from the Debian packages.
#
# Installs `postgresql` if its binaries are missing, creates a cluster in a temporary folder owned by
# the postgres user (initdb refuses root), starts it on 127.0.0.1 at a free port with trust auth and
# no fsync (test data only), exports NEWSBOT_TEST_PG_URL, and stops it and removes the folder on exit.
# Never reads stdin; every wait has a time limit.

pg_bindir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start_test_postgres() {
    local bindir datadir port owner runas
    bindir="$(pg_bindir)"
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        echo "installing PostgreSQL from the Debian packages..."
        export DEBIAN_FRONTEND=noninteractive
        timeout 300 apt-get update -qq </dev/null
        timeout 600 apt-get install -y -qq --no-install-recommends postgresql </dev/null >/dev/null
        bindir="$(pg_bindir)"
    fi
    [ -x "$bindir/initdb" ] || { echo "no PostgreSQL initdb found" >&2; return 1; }

    datadir="$(mktemp -d /tmp/newsbot-ci-pg.XXXXXX)"
    if [ "$(id -u)" = 0 ]; then
        owner=postgres
        chown "$owner" "$datadir"
        runas=(runuser -u "$owner" --)
    else
        runas=()
    fi
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

    "${runas[@]}" "$bindir/initdb" -D "$datadir/data" -U postgres -A trust -E UTF8 --no-sync \
        >"$datadir/initdb.log" 2>&1 </dev/null || { cat "$datadir/initdb.log" >&2; return 1; }
    "${runas[@]}" "$bindir/pg_ctl" -D "$datadir/data" -l "$datadir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $datadir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start </dev/null >/dev/null || { cat "$datadir/server.log" >&2; return 1; }

    NEWSBOT_CI_PG_DIR="$datadir"
    NEWSBOT_CI_PG_BIN="$bindir"
    export NEWSBOT_TEST_PG_URL="postgresql+asyncpg://postgres@127.0.0.1:$port/postgres"
    trap stop_test_postgres EXIT
    echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') for the tests at 127.0.0.1:$port"
}

stop_test_postgres() {
    if [ -n "${NEWSBOT_CI_PG_DIR:-}" ] && [ -d "$NEWSBOT_CI_PG_DIR/data" ]; then
        local runas=()
        [ "$(id -u)" = 0 ] && runas=(runuser -u postgres --)
        "${runas[@]}" "$NEWSBOT_CI_PG_BIN/pg_ctl" -D "$NEWSBOT_CI_PG_DIR/data" -m immediate -w -t 30 stop \
            </dev/null >/dev/null 2>&1 || true
        rm -rf "$NEWSBOT_CI_PG_DIR"
    fi
}
