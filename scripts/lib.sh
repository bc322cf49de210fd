# Shared set-up for Docket's scripts. Source it; do not run it.
#
# require_debian_packages PKG...: installs the Debian packages that are missing, with
# apt-get, when running as root; otherwise stops with a message naming them.

set -euo pipefail

DOCKET_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf 'docket-setup: %s\n' "$*" >&2; }

require_debian_packages() {
    local missing=()
    local package
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        say "missing Debian packages: ${missing[*]}"
        say "install them as root (sudo apt-get install ${missing[*]}) or run this script as root."
        exit 1
    fi
    say "installing missing Debian packages with apt-get: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/docket-apt.log 2>&1; then
        say "apt-get install failed; refreshing the package lists and trying again"
        apt-get update >>/tmp/docket-apt.log 2>&1
        apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/docket-apt.log 2>&1 || {
            say "apt-get could not install ${missing[*]}; see /tmp/docket-apt.log"
            exit 1
        }
    fi
    say "installed: ${missing[*]}"
}

require_swift() {
    command -v swift >/dev/null 2>&1 || {
        say "the Swift toolchain (swift) is not on PATH; install Swift 6.2 or later first."
        exit 1
    }
}

# What building Docket needs: libxml2 headers (pkg-config libxml-2.0), SQLite, zlib.
BUILD_PACKAGES=(pkg-config libxml2-dev libsqlite3-dev zlib1g-dev)
