#!/usr/bin/env bash
# The release's build, checked: the sdist and wheel of each distribution (postion-publish,
# mkdocs-postion, pelican-postion) into DIST, `twine check --strict`, then each wheel installed
# alone in a fresh venv (the plugins find postion-publish in DIST), and `postion demo` from the
# core's. The release workflow runs it before publishing; CI runs it on every change (a dry run).
# Usage: tools/dists.sh [DIST]   (needs uv and twine: the dev extra)
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
rm -rf "$dist"
for project in . integrations/mkdocs integrations/pelican; do
  uv build --quiet --out-dir "$dist" "$project"
done
twine check --strict "$dist"/*
test "$(ls "$dist"/*.whl | wc -l)" -eq 3 && test "$(ls "$dist"/*.tar.gz | wc -l)" -eq 3

alone() { # WHEEL → the python of a fresh venv holding that wheel and what it needs
  local venv
  venv=$(mktemp -d)/venv
  uv venv --quiet "$venv"
  uv pip install --quiet --python "$venv/bin/python" --find-links "$dist" "$1"
  echo "$venv/bin/python"
}
core=$(alone "$(ls "$dist"/postion_publish-*.whl)")
if "$core" -c "import pelican" 2> /dev/null; then
  echo "the postion-publish wheel makes 'import pelican' succeed: it must not ship a pelican namespace" >&2
  exit 1
fi
demo=$(mktemp -d)
(cd "$demo" && POSTION_DEMO_DIR="$demo/demo" "$(dirname "$core")/postion" demo --no-serve > /dev/null)
mkdocs=$(alone "$(ls "$dist"/mkdocs_postion-*.whl)")
"$mkdocs" -c "from importlib.metadata import entry_points as e; assert e(group='mkdocs.plugins', name='postion')"
pelican=$(alone "$(ls "$dist"/pelican_postion-*.whl)")
"$pelican" -c "import pelican.plugins.postion"
echo "dists ok: $(ls "$dist" | tr '\n' ' ')"
