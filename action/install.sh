#!/usr/bin/env bash
# The Action's install: postion-publish's dependencies from the hash-pinned lock
# (requirements/action.txt, exported from uv.lock), with uv, into VENV; postion-publish itself
# from the Action's own checkout through a .pth file (pure Python: nothing is built). A VENV
# restored from the cache, made from the same lock, is used as it is.
# Usage: install.sh VENV PYTHON ACTION_PATH
set -euo pipefail
venv=$1 python=$2 action_path=$3
lock="$action_path/requirements/action.txt"

if ! { [ -x "$venv/bin/python" ] && cmp -s "$venv/postion-lock.txt" "$lock"; }; then
  rm -rf "$venv"
  uv venv --quiet --python "$python" "$venv"
  uv pip sync --quiet --python "$venv/bin/python" --require-hashes "$lock"
  cp "$lock" "$venv/postion-lock.txt"
fi
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
printf '%s\n' "$action_path" > "$site/postion-action.pth"
"$venv/bin/python" -c 'import postion_publish' # the checkout is found, or this step fails here
