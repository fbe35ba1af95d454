# Shared set-up for `npm test` and `npm start` (sourced). Each step is skipped when done, and a
# missing prerequisite gives one line naming what to install and a non-zero exit.
need_root_or() { # message
  if [ "$(id -u)" -ne 0 ]; then echo "ERROR: $1" >&2; exit 1; fi
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${PGBS_APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null && PGBS_APT_UPDATED=1; fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_node_modules() {
  local stamp=node_modules/.pgbs-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "· installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error || { echo "ERROR: npm ci failed" >&2; exit 1; }
    cp package-lock.json "$stamp"
  fi
}

ensure_postgres_15() {
  if [ ! -x /usr/lib/postgresql/15/bin/initdb ] || [ ! -x /usr/lib/postgresql/15/bin/pg_waldump ]; then
    need_root_or "PostgreSQL 15 is missing: install Debian's postgresql-15 (apt-get install postgresql-15)"
    echo "· installing Debian's postgresql-15"
    apt_install postgresql-15 || { echo "ERROR: apt-get install postgresql-15 failed" >&2; exit 1; }
  fi
}
