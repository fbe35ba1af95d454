#!/bin/sh
# Stands for a program a cloned repository wants the editor to run. If it ever runs, it leaves
# a marker file beside the workspace's .vscode folder; the untrusted-workspace suite checks that
# it never does.
echo "ran with: $*" >> "$(dirname "$0")/../MARKER"
echo '[]'
