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
    # postfix's installer asks what kind of mail system this is; "No configuration" leaves it
    # without a main.cf, so the system postfix neither starts nor accepts mail: the tests run
    # their own private instance (Tests/MTA). Answered before the install, so none is asked.
    if printf '%s\n' "${missing[@]}" | grep -qx postfix; then
        echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    fi
    # Other checkouts on the same machine may be installing at the same moment: wait for
    # dpkg's lock (up to five minutes) rather than failing on it.
    if ! apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/tmp/docket-apt.log 2>&1; then
        say "apt-get install failed; refreshing the package lists and trying again"
        apt-get update >>/tmp/docket-apt.log 2>&1
        apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >>/tmp/docket-apt.log 2>&1 || {
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

# The PyPI packages the tests use, each pinned to one version so that a new release cannot
# change what a run checks: bagit (bagit.py, the Library of Congress BagIt tool that the
# export tests validate bags with), selenium and axe-selenium-python (the browser test),
# schemathesis and openapi-spec-validator (the API against its OpenAPI document), requests and
# joserfc (the sign-in flow against the misbehaving OpenID provider of Tests/OIDC) and
# oidc-provider-mock with the Authlib it needs (a real OpenID provider for the browser test;
# Authlib 1.9 needs joserfc 1.6.8 or later, hence joserfc 1.8.0), and extract-msg (an Outlook
# .msg reader of its own, the reference the Outlook conversion tests compare with), and
# prometheus-client (its text-format parser reads /metrics in Tests/Metrics). These are
# the versions pip chose for the python3 here (3.11: axe-selenium-python 3 needs 3.12); move a
# pin on purpose, and run the tests that use it.
PYPI_TEST_PACKAGES=(
    bagit==1.9.0
    selenium==4.51.0
    axe-selenium-python==2.1.6
    schemathesis==4.32.5
    openapi-spec-validator==0.9.0
    requests==2.34.2
    joserfc==1.8.0
    authlib==1.9.10
    oidc-provider-mock==0.3.4
    extract-msg==0.57.0
    prometheus-client==0.26.0
)

# require_pypi_packages NAME==VERSION...: installs, beside the python3 on PATH, each package
# that is missing or at another version (python3 -m pip install NAME==VERSION).
require_pypi_packages() {
    local wrong=()
    local spec installed
    for spec in "$@"; do
        installed="$(python3 -c 'import importlib.metadata, sys; print(importlib.metadata.version(sys.argv[1]))' \
            "${spec%%==*}" 2>/dev/null || true)"
        [ "$installed" = "${spec##*==}" ] || wrong+=("$spec")
    done
    [ ${#wrong[@]} -eq 0 ] && return 0
    say "installing pinned PyPI packages: ${wrong[*]} (python3 -m pip install)"
    if ! python3 -m pip install --quiet "${wrong[@]}" >/tmp/docket-pip.log 2>&1; then
        say "pip could not install ${wrong[*]} (see /tmp/docket-pip.log)"
        exit 1
    fi
    # A pyenv python3 needs shims for the new scripts (bagit.py, schemathesis).
    command -v pyenv >/dev/null 2>&1 && pyenv rehash >/dev/null 2>&1 || true
}

# What building Docket needs: libxml2 headers (pkg-config libxml-2.0), xmlsec with its OpenSSL
# backend for XML Signatures (pkg-config xmlsec1-openssl), SQLite, zlib.
BUILD_PACKAGES=(pkg-config libxml2-dev libxmlsec1-dev libsqlite3-dev zlib1g-dev)
