#!/bin/sh
# System packages the test suite needs, from Debian's archive. Idempotent: a package is
# installed only when the file that shows it is there is missing. One line per need:
#   need FILE PACKAGE
set -eu

missing=""
need() {
    [ -e "$1" ] || missing="$missing $2"
}

# PostgreSQL server (initdb, pg_ctl): the suite starts a throwaway cluster on 127.0.0.1.
need "$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -n 1)" postgresql
# Redis: the suite starts a throwaway redis-server on 127.0.0.1 for the shared flood windows.
need /usr/bin/redis-server redis-server
# Chromium: the dashboard's browser tests drive Debian's headless build through Playwright.
need /usr/bin/chromium chromium

if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
fi
