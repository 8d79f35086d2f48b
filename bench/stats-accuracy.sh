#!/usr/bin/env bash
# Checks the blocking-time estimates of `lint --stats` against reality: on a
# throwaway cluster (internal/pgtest: initdb and pg_ctl, fsync=off, default
# shared_buffers and maintenance_work_mem) it calibrates the server as
# `migrate-guard stats calibrate` does, then for each size builds a narrow and
# a wide table with 0 and 3 indexes, takes a stats snapshot, and runs the real
# statement of every operation class, comparing its duration with the
# estimate [lo, hi]. Prints the Markdown table of bench/README.md.
#
# Usage: bench/stats-accuracy.sh [sizes]   (default 100000,1000000,5000000)
# RATES=defaults uses the built-in throughputs instead of calibrating first.
# The 5 M-row cases build about 2.5 GB of tables and take a quarter of an
# hour on 2 cores: on a shared machine, run them sparingly.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-100000,1000000,5000000}
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg) at start" >&2
MG_ACCURACY=1 MG_ACCURACY_ROWS=$sizes MG_ACCURACY_RATES=${RATES:-} \
  go test ./stats/ -run '^$' -bench EstimateAccuracy -benchtime 1x -timeout 3h
echo "load $(cut -d' ' -f1-3 /proc/loadavg) at the end" >&2
