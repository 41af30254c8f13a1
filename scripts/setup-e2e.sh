#!/usr/bin/env bash
# Installs what the end-to-end tests (test/e2e) need and this machine lacks, and says what it installs:
#   - Debian packages: Chromium (driven by playwright-core), ripgrep (code-server's search binary), the
#     headers and compilers that code-server's native modules build against, a Jupyter kernel, and
#     the Python libraries the runtime tests run fixtures with;
#   - the harness package (code-server, a real VS Code) in test/e2e/harness, kept apart from the
#     extension's own dependencies because it is about 300 MB.
# Nothing is fetched from outside the npm registry and Debian: @vscode/ripgrep would download rg from
# GitHub, so Debian's rg is put into its download cache first. A second run finds everything in place
# and returns at once.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
harness_dir="$repo_root/test/e2e/harness"
harness_entry="$harness_dir/node_modules/code-server/out/node/entry.js"
# Written after a complete `npm ci`; a different lockfile, Node or machine architecture reinstalls.
harness_stamp="$harness_dir/node_modules/.spawn-guard-e2e-install"

# python3-ipykernel and python3-nbclient: "Run under spawn" on a notebook runs its cells in a Jupyter
# kernel of Debian's python3; python3-venv: the Python extension's environment is a venv
# (test/e2e/run.test.ts). The libraries that rule and project fixtures run under spawn with Debian's
# python3 (test/runtime: `# debian:` headers and case.json): numpy, joblib, torch, dask, tqdm, pebble.
debian_packages=(chromium ripgrep libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential
  python3-ipykernel python3-nbclient python3-venv
  python3-numpy python3-joblib python3-torch python3-dask python3-tqdm python3-pebble)

# The @vscode/ripgrep that code-server 4.100.3 installs (lib/vscode/npm-shrinkwrap.json) and the rg
# release its postinstall asks for; they name the cache file it looks for before downloading.
vscode_ripgrep_version=1.15.11
ripgrep_release=v13.0.0-10

log() { printf 'setup-e2e: %s\n' "$*"; }
die() {
  printf 'setup-e2e: error: %s\n' "$*" >&2
  exit 1
}

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_debian_packages() {
  command -v dpkg-query >/dev/null ||
    die "not a Debian-based system: install ${debian_packages[*]} (or their equivalents) yourself"
  local missing=() package
  for package in "${debian_packages[@]}"; do
    is_installed "$package" || missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then
    log "Debian packages already present: ${debian_packages[*]}"
    return
  fi
  local as_root=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "missing Debian packages ${missing[*]}; run as root or install them"
    as_root=(sudo)
  fi
  log "installing Debian packages: ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  log "installed Debian packages: ${missing[*]}"
}

ripgrep_target() {
  case "$(uname -m)" in
    x86_64) echo x86_64-unknown-linux-musl ;;
    aarch64 | arm64) echo aarch64-unknown-linux-musl ;;
    *) die "no known @vscode/ripgrep target for $(uname -m)" ;;
  esac
}

# Puts Debian's rg where @vscode/ripgrep's postinstall looks for a previous download
# (os.tmpdir()/vscode-ripgrep-cache-VERSION/ripgrep-RELEASE-TARGET.tar.gz, a tar.gz holding `rg`).
seed_ripgrep_cache() {
  local tmp="${TMPDIR:-${TMP:-${TEMP:-/tmp}}}"
  local cache_dir="${tmp%/}/vscode-ripgrep-cache-$vscode_ripgrep_version"
  local archive
  archive="$cache_dir/ripgrep-$ripgrep_release-$(ripgrep_target).tar.gz"
  if [[ -s $archive ]]; then
    return
  fi
  local rg
  rg="$(command -v rg)" || die "rg not found; the ripgrep package should provide it"
  local staging
  staging="$(mktemp -d)"
  cp "$rg" "$staging/rg"
  mkdir -p "$cache_dir"
  tar -czf "$archive.partial" -C "$staging" rg
  mv "$archive.partial" "$archive"
  rm -rf "$staging"
  log "seeded @vscode/ripgrep's download cache with Debian's rg: $archive"
}

install_harness() {
  local wanted
  wanted="lock $(sha256sum "$harness_dir/package-lock.json" | cut -d' ' -f1) node $(node --version) $(uname -m)"
  if [[ -f $harness_entry && -f $harness_stamp && "$(cat "$harness_stamp")" == "$wanted" ]]; then
    log "code-server already installed in test/e2e/harness"
    return
  fi
  seed_ripgrep_cache
  log "installing code-server into test/e2e/harness (npm ci; about 75 s and 300 MB)"
  # unsafe_perm: code-server's postinstall refuses to run as root without it.
  # yes: a node-pty build step runs npx, which would otherwise wait for a confirmation nobody gives.
  (
    cd "$harness_dir"
    npm_config_unsafe_perm=true npm_config_yes=true npm ci --no-audit --no-fund
  )
  [[ -f $harness_entry ]] || die "npm ci finished but $harness_entry is missing"
  printf '%s\n' "$wanted" >"$harness_stamp"
  log "installed code-server into test/e2e/harness"
}

install_debian_packages
install_harness
