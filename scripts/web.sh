#!/usr/bin/env bash
# The web app's toolchain, for make.
#
#   scripts/web.sh build      install Node and npm when missing, npm ci when the lockfile changed, build
#                             web/dist/app (embedded into the binary by package web)
#   scripts/web.sh chromium   install Debian's chromium when missing (the browser tests drive it) and
#                             print its path
#
# Node and npm come from Debian's packages when missing (apt, as root); the app's tools run on Node 18 and
# 20. Browsers are never downloaded by npm packages: the tests use the system Chromium.
set -euo pipefail

PROG=scripts/web.sh
die() { echo "$PROG: error: $*" >&2; exit 1; }
note() { echo "$PROG: $*" >&2; }

apt_install() {
	[[ $(id -u) -eq 0 ]] || die "$* missing: install it (apt-get install $*) or run as root"
	note "installing $* with apt"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || true
	apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_node() {
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		apt_install nodejs npm
	fi
	local major
	major=$(node -p 'process.versions.node.split(".")[0]')
	((major >= 18)) || die "Node $major is too old: the web app needs Node 18 or newer"
}

build() {
	ensure_node
	cd web
	# npm ci only when the lockfile changed since the last install (it wipes node_modules).
	local want have=
	want=$(sha256sum package-lock.json | cut -d' ' -f1)
	[[ -f node_modules/.aezen-lock ]] && have=$(cat node_modules/.aezen-lock)
	if [[ $want != "$have" ]]; then
		note "npm ci (web/package-lock.json changed)"
		npm ci --no-audit --no-fund --loglevel=error
		echo "$want" >node_modules/.aezen-lock
	fi
	npm run --silent build
}

chromium_path() {
	local c
	for c in "${AEZEN_CHROMIUM:-}" chromium chromium-browser google-chrome; do
		[[ -n $c ]] && command -v "$c" && return 0
	done
	return 1
}

chromium() {
	if ! chromium_path >/dev/null; then
		apt_install chromium fonts-dejavu-core
	fi
	chromium_path
}

case "${1:-}" in
build) build ;;
chromium) chromium ;;
*) echo "usage: $PROG build|chromium" >&2; exit 2 ;;
esac
