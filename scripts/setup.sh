#!/usr/bin/env bash
# Installs everything pare's tests need on a fresh machine: Debian packages (Chromium for the HTML report
# test, tmux for the terminal UI test) and a Python venv with the AWS emulator (moto server).
# Idempotent: a second run does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
# Debian splits venv/ensurepip out of python3.
if [ ! -x .venv/bin/python3 ] && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then need_apt+=(python3-venv); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# The AWS emulator (moto server) and the AWS CLI, whose `get-account-authorization-details` output the
# emulator tests compare `pare policies iam:live` with.
if [ ! -x .venv/bin/python3 ]; then
  echo "setup: creating .venv" >&2
  python3 -m venv .venv
fi
if [ ! -x .venv/bin/moto_server ]; then
  echo "setup: installing moto[server] into .venv" >&2
  .venv/bin/pip install -q --disable-pip-version-check 'moto[server]==5.2.5'
fi
if [ ! -x .venv/bin/aws ]; then
  echo "setup: installing awscli into .venv" >&2
  .venv/bin/pip install -q --disable-pip-version-check 'awscli==1.46.3'
fi
