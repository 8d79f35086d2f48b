#!/usr/bin/env bash
# Times migrate-guard lint and squawk over the same inputs from the shared
# corpus and prints a Markdown table: median wall time, CPU time (user+sys)
# and peak RSS over several runs, and the wall-time ratio migrate-guard/squawk.
#
#   (a) every migration.sql of triggerdotdev__trigger.dev (820 files)
#   (b) the four Prisma corpora together (1294 files), in lint-everything
#       mode (named as directories, and as files one by one) and in
#       pull-request mode (each history replayed, its newest
#       migration linted), and the same at 4x the history, for memory
#   (c) PostgreSQL's regression SQL in pganalyze__libpg_query (the one file
#       that is not UTF-8 left out, for both tools)
#   and the start-up time of `migrate-guard version`.
#
# Usage: bench/lint-vs-squawk.sh [runs]   (default 7)
# BASELINE=/path/to/an/earlier/migrate-guard adds its times for (b), as
# directories and as files, measured in the same run.
# squawk is the squawk-cli npm package (SQUAWK=/path/to/squawk to use
# another); when absent it is installed into a temporary directory. Its
# native binary is run directly, without the npm package's node wrapper.
# Needs go, npm (unless SQUAWK is set) and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
corpus=$(cd .. && pwd)/shared/corpus
prisma=(triggerdotdev__trigger.dev langfuse__langfuse hoppscotch__hoppscotch umami-software__umami)
squawk_version=2.66.0
[ -d "$corpus/triggerdotdev__trigger.dev" ] || { echo "no corpus at $corpus" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "need GNU time: apt-get install time" >&2; exit 2; }

work=$(mktemp -d /tmp/mg-lint-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

echo "building migrate-guard" >&2
go build -o "$work/migrate-guard" .
mg=$work/migrate-guard

squawk=${SQUAWK:-$(command -v squawk || true)}
if [ -z "$squawk" ]; then
  echo "installing squawk-cli@$squawk_version from npm into $work/npm" >&2
  npm install --prefix "$work/npm" --no-audit --no-fund --silent "squawk-cli@$squawk_version" >&2
  squawk=$(find "$work/npm/node_modules/@squawk-cli" -type f -path '*/bin/squawk' | head -1)
  [ -x "$squawk" ] || squawk=$work/npm/node_modules/.bin/squawk
fi

# Inputs.
files_a=("$corpus"/triggerdotdev__trigger.dev/*/migration.sql)
dirs_b=(); files_b=(); newest_b=()
for n in "${prisma[@]}"; do
  dirs_b+=("$corpus/$n")
  mapfile -t fs < <(printf '%s\n' "$corpus/$n"/*/migration.sql | LC_ALL=C sort)
  files_b+=("${fs[@]}")
  newest_b+=("${fs[-1]}")
done
# 4x the history: each Prisma history four times over, as symbolic links.
dirs_4x=(); newest_4x=()
for n in "${prisma[@]}"; do
  d=$work/x4/$n
  mkdir -p "$d"
  cp "$corpus/$n/migration_lock.toml" "$d/"
  for k in 1 2 3 4; do
    for m in "$corpus/$n"/*/; do
      b=$(basename "$m")
      mkdir "$d/${k}_$b"
      ln -s "$m/migration.sql" "$d/${k}_$b/migration.sql"
    done
  done
  dirs_4x+=("$d")
  newest_4x+=("$(printf '%s\n' "$d"/*/migration.sql | LC_ALL=C sort | tail -1)")
done
# PostgreSQL's regression SQL, UTF-8 files only, as one directory.
mkdir "$work/regress"
skipped=()
for f in "$corpus"/pganalyze__libpg_query/*.sql; do
  if iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1; then cp "$f" "$work/regress/"; else skipped+=("$(basename "$f")"); fi
done
files_c=("$work"/regress/*.sql)

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# measure NAME CMD...: runs CMD $runs times, output discarded; sets
# wall_ms, cpu_ms, rss_mb (medians) and leaves the last stderr in $work/NAME.err.
measure() {
  local name=$1; shift
  : > "$work/$name.runs"
  for _ in $(seq "$runs"); do
    local t0
    t0=$(date +%s%N)
    /usr/bin/time -f '%U %S %M' -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err" || true
    local t1
    t1=$(date +%s%N)
    read -r u s m < <(tail -1 "$work/$name.time")
    echo "$(( (t1 - t0) / 1000000 )) $(awk -v u="$u" -v s="$s" 'BEGIN {print int((u+s)*1000)}') $m" >> "$work/$name.runs"
  done
  wall_ms=$(cut -d' ' -f1 "$work/$name.runs" | median)
  cpu_ms=$(cut -d' ' -f2 "$work/$name.runs" | median)
  rss_mb=$(cut -d' ' -f3 "$work/$name.runs" | median | awk '{printf "%.0f", $1/1024}')
}

# failures NAME: what went wrong in squawk's last run, if anything.
failures() {
  local n
  n=$(grep -c 'An internal error has occured' "$work/$1.err" || true)
  if [ "$n" -gt 0 ]; then echo "squawk panicked on $n files (\"the parser seems stuck\")"; fi
}

row() { # row CASE MODE MG_NAME SQ_NAME NOTE
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" \
    "$(awk -v a="$5" -v b="$6" 'BEGIN {printf "%.2f", a/b}')" "$7"
}

echo "measuring ($runs runs each)" >&2
measure mg_a "$mg" lint "$corpus/triggerdotdev__trigger.dev";  a_mg="$wall_ms ms / $cpu_ms ms / $rss_mb MB"; a_mgw=$wall_ms
measure sq_a "$squawk" "${files_a[@]}";                          a_sq="$wall_ms ms / $cpu_ms ms / $rss_mb MB"; a_sqw=$wall_ms; a_fail=$(failures sq_a)
measure mg_b "$mg" lint "${dirs_b[@]}";                          b_mg="$wall_ms ms / $cpu_ms ms / $rss_mb MB"; b_mgw=$wall_ms; b_rss1=$rss_mb
measure mg_bf "$mg" lint "${files_b[@]}";                        bf_mg="$wall_ms ms / $cpu_ms ms / $rss_mb MB"; bf_mgw=$wall_ms
measure mg_bpr "$mg" lint "${newest_b[@]}";                      bpr_mg="$wall_ms ms / $cpu_ms ms / $rss_mb MB"; bpr_mgw=$wall_ms; bpr_rss1=$rss_mb
measure sq_b "$squawk" "${files_b[@]}";                          b_sq="$wall_ms ms / $cpu_ms ms / $rss_mb MB"; b_sqw=$wall_ms; b_fail=$(failures sq_b)
measure sq_bnew "$squawk" "${newest_b[@]}";                      bnew_sq="$wall_ms ms / $cpu_ms ms / $rss_mb MB"; bnew_sqw=$wall_ms
measure mg_4x "$mg" lint "${dirs_4x[@]}";                        x4_mg="$wall_ms ms / $cpu_ms ms / $rss_mb MB"; x4_rss=$rss_mb
measure mg_4xpr "$mg" lint "${newest_4x[@]}";                    x4pr_mg="$wall_ms ms / $cpu_ms ms / $rss_mb MB"; x4pr_rss=$rss_mb
measure mg_c "$mg" lint "$work/regress";                         c_mg="$wall_ms ms / $cpu_ms ms / $rss_mb MB"; c_mgw=$wall_ms
measure sq_c "$squawk" "${files_c[@]}";                          c_sq="$wall_ms ms / $cpu_ms ms / $rss_mb MB"; c_sqw=$wall_ms; c_fail=$(failures sq_c)

# An earlier build, for before/after figures from the same run.
if [ -n "${BASELINE:-}" ]; then
  measure base_b "$BASELINE" lint "${dirs_b[@]}";                base_b_mg="$wall_ms ms / $cpu_ms ms / $rss_mb MB"; base_bw=$wall_ms
  measure base_bf "$BASELINE" lint "${files_b[@]}";              base_bf_mg="$wall_ms ms / $cpu_ms ms / $rss_mb MB"; base_bfw=$wall_ms
fi

# Start-up: the average of 200 runs of `migrate-guard version`.
t0=$(date +%s%N)
for _ in $(seq 200); do "$mg" version >/dev/null; done
startup=$(( ($(date +%s%N) - t0) / 200000 ))

echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). squawk $("$squawk" --version 2>/dev/null | awk '{print $NF}'), $runs runs each, medians; wall / CPU (user+sys) / peak RSS."
echo
echo "| case | mode | migrate-guard | squawk | ratio (wall) | notes |"
echo "| --- | --- | --- | --- | --- | --- |"
row "(a) trigger.dev, ${#files_a[@]} files" "lint everything" "$a_mg" "$a_sq" "$a_mgw" "$a_sqw" "$a_fail"
row "(b) 4 Prisma corpora, ${#files_b[@]} files" "lint everything" "$b_mg" "$b_sq" "$b_mgw" "$b_sqw" "$b_fail"
row "(b) 4 Prisma corpora, ${#files_b[@]} files named one by one" "lint everything" "$bf_mg" "$b_sq" "$bf_mgw" "$b_sqw" ""
row "(b) 4 Prisma corpora" "PR: history replayed, newest linted" "$bpr_mg" "$b_sq (all files)" "$bpr_mgw" "$b_sqw" ""
row "(b) 4 Prisma corpora" "PR, squawk on the 4 newest files only" "$bpr_mg" "$bnew_sq" "$bpr_mgw" "$bnew_sqw" "squawk has no history to replay"
row "(c) regression SQL, ${#files_c[@]} files" "lint everything" "$c_mg" "$c_sq" "$c_mgw" "$c_sqw" "$c_fail; not UTF-8, left out: ${skipped[*]:-none}"
echo
echo "The same ${#files_b[@]} migrations named as files and as their 4 directories: $(awk -v a="$bf_mgw" -v b="$b_mgw" 'BEGIN {printf "%.2f", a/b}')× the wall time (want ≤ 1.10)."
if [ -n "${BASELINE:-}" ]; then
  echo
  echo "Baseline $BASELINE, same run: (b) as directories $base_b_mg (ratio to squawk $(awk -v a="$base_bw" -v b="$b_sqw" 'BEGIN {printf "%.2f", a/b}')); named as files $base_bf_mg (files/directories $(awk -v a="$base_bfw" -v b="$base_bw" 'BEGIN {printf "%.2f", a/b}'))."
fi
echo
echo "Memory as history grows (migrate-guard, 4 Prisma corpora): lint everything $b_rss1 MB at 1x, $x4_rss MB at 4x ($x4_mg); PR mode $bpr_rss1 MB at 1x, $x4pr_rss MB at 4x ($x4pr_mg)."
echo
echo "Start-up: \`migrate-guard version\` takes $startup µs on average (200 runs, fork and exec included)."
