#!/bin/sh
# The supported production pair is Node 24 with uWebSockets.js 20.57. Our development build of
# uWebSockets.js (a fork pinned in package.json) ships binaries for Node 20 at most, so the
# production image swaps it for @btc-vision/uwebsockets.js 20.57.0, which ships uWS.js 20.57 for
# Node 20, 22, 24 and 25 (glibc >= 2.38). Only that entry of the lock file is re-resolved; every
# other package stays as locked. Run it in the folder that holds package.json and the lock file.
set -eu
npm install --package-lock-only --ignore-scripts --no-audit --no-fund --save-exact \
  "uWebSockets.js@npm:@btc-vision/uwebsockets.js@20.57.0"
