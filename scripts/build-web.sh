#!/usr/bin/env bash
# Vendor the front-end libraries (Apache ECharts) from the npm registry into
# kefu/web/static/vendor/. Run by `make demo` and `make test`; a no-op when up to date.
set -euo pipefail
cd "$(dirname "$0")/../kefu/web/frontend"
target=../static/vendor/echarts.min.js
if [ -f "$target" ] && [ "$target" -nt package-lock.json ]; then exit 0; fi
npm ci --no-audit --no-fund --loglevel=error
mkdir -p ../static/vendor
cp node_modules/echarts/dist/echarts.min.js "$target"
cp node_modules/echarts/LICENSE ../static/vendor/echarts.LICENSE.txt
echo "vendored echarts $(node -p "require('./node_modules/echarts/package.json').version")"
