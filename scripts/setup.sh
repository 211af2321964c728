# Sourced by scripts/test and scripts/sweep: installs what is missing from Debian's archive (as
# root; otherwise prints the exact apt-get line and stops), then configures and builds.
# Usage: source scripts/setup.sh; ensure_packages PKG...; build_in DIR [meson options...]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Packages every build needs; scripts add their own (plots, sanitizers) to the list they pass.
BASE_PACKAGES=(meson ninja-build g++ pkg-config liburing-dev nlohmann-json3-dev doctest-dev)

ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    if [[ $(id -u) != 0 ]]; then
        echo "missing Debian packages; run: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "installing missing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q "${missing[@]}" >&2; then
        apt-get update -q >&2
        apt-get install -y -q "${missing[@]}" >&2
    fi
}

# configure DIR [meson setup options]: configures DIR once (a half-configured DIR is redone).
configure() {
    local dir=$1
    shift
    if [[ ! -f $dir/build.ninja ]]; then
        rm -rf "$dir"
        meson setup "$dir" "$ROOT" "$@" >&2
    fi
}

# build_in DIR [meson setup options]: configures DIR once, then builds all of it incrementally.
build_in() {
    configure "$@"
    meson compile -C "$1" >&2
}
