#!/usr/bin/env bash
# Ferry's data mover against restic (Debian's package), same data, same invocation, local
# repositories, both encrypted (restic always is) and both without compression.
#   BENCH_SCALE=1    1 GiB mix and 100,000 small files (0.1 → 100 MiB and 10,000 files)
#   BENCH_DIR=DIR    where the data and repositories go (needs ~5 × the data size). Default:
#                    /dev/shm (memory) when it has room, else /tmp. On a disk, both tools spend
#                    most of a full backup waiting for fsync (each pack is synced, by both):
#                    the ratio then measures the disk. Set BENCH_DIR=/tmp to measure that too.
set -euo pipefail
SCALE="${BENCH_SCALE:-1}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"

if ! command -v restic >/dev/null; then apt-get update -qq && apt-get install -y -qq restic >/dev/null; fi
if [ ! -x /usr/bin/time ]; then apt-get update -qq && apt-get install -y -qq time >/dev/null; fi
# tsc emits even when some file has a type error; what the benchmark needs is the mover's build.
npm run build --silent >"${TMPDIR:-/tmp}/ferry-bench-mover-build.log" 2>&1 || echo "warning: npm run build reported errors (see ${TMPDIR:-/tmp}/ferry-bench-mover-build.log)" >&2
[ -f dist/cli/commands/mover.js ] || { echo "dist/cli/commands/mover.js is missing: the build failed" >&2; exit 1; }

if [ -z "${BENCH_DIR:-}" ]; then
  BENCH_DIR=/tmp
  need_kb="$(node -e "console.log(Math.ceil(6 * 1024 * 1024 * Number(process.argv[1])))" "$SCALE")"
  if [ -d /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt "$need_kb" ]; then BENCH_DIR=/dev/shm; fi
fi
WORK="$(mktemp -d "$BENCH_DIR/ferry-bench-mover.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export RESTIC_PASSWORD=bench-password FERRY_REPOSITORY_KEY=bench-password RESTIC_CACHE_DIR="$WORK/restic-cache"
SMALL_COUNT="$(node -e "console.log(Math.round(100000 * Number(process.argv[1])))" "$SCALE")"

echo "generating data (scale $SCALE) in $WORK" >&2
npx tsx bench/mover/gen.ts mix "$WORK/data" "$SCALE"
npx tsx bench/mover/gen.ts small "$WORK/small" "$SMALL_COUNT"

# run <label> <cmd...>: wall seconds and peak RSS (MiB) of one command, appended to $WORK/results
run() {
  local label="$1"; shift
  local start end
  start="$(date +%s.%N)"
  /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || { cat "$WORK/err.txt" >&2; exit 1; }
  end="$(date +%s.%N)"
  local rss cpu
  rss="$(awk -F: '/Maximum resident set size/ {print int($2/1024)}' "$WORK/time.txt")"
  cpu="$(awk -F: '/User time|System time/ {s += $2} END {print s}' "$WORK/time.txt")"
  echo "$label $(echo "$end - $start" | bc) $rss $cpu" >>"$WORK/results"
}
size() { du -sb "$1" | cut -f1; }
# warm <bytes>: touch and free that much memory (plus 50%) right before a measurement. In a
# virtual machine the first touch of a guest page costs a trap to the hypervisor; a tool that
# writes 1 GiB into never-touched pages spends 2-3 s more in the kernel than one writing into
# pages just freed, so which tool ran first decided the restore ratio. Freed pages are handed
# out again first, so both tools now write into touched memory (on a disk this is harmless).
warm() {
  dd if=/dev/zero of="$WORK/warm-up" bs=1M count="$(( $1 * 3 / 2 / 1048576 + 1 ))" status=none
  rm -f "$WORK/warm-up"
}


restic init -q -r "$WORK/restic-repo" --repository-version 2 >/dev/null
restic init -q -r "$WORK/restic-small" --repository-version 2 >/dev/null

DATA_BYTES="$(size "$WORK/data")"
SMALL_BYTES="$(size "$WORK/small")"
: >"$WORK/results"

# 1. Full backup of the mix.
warm "$DATA_BYTES"
run ferry-full node bin/ferry.js mover backup --repo "$WORK/ferry-repo" --source "$WORK/data" --compression off
FERRY_FULL_REPO="$(size "$WORK/ferry-repo")"
warm "$DATA_BYTES"
run restic-full restic -q -r "$WORK/restic-repo" backup --compression off "$WORK/data"
RESTIC_FULL_REPO="$(size "$WORK/restic-repo")"

# restores <name> <source> <bytes> <ferry repo> <restic repo>: Ferry's restore (checked against
# the source), then restic's, each into memory just freed.
restores() {
  warm "$3"
  run "ferry-$1" node bin/ferry.js mover restore --repo "$4" --snapshot latest --target "$WORK/ferry-restore"
  diff -rq "$2" "$WORK/ferry-restore" >/dev/null || { echo "ferry's $1 differs from the source" >&2; exit 1; }
  rm -rf "$WORK/ferry-restore"
  warm "$3"
  run "restic-$1" restic -q -r "$5" restore latest --target "$WORK/restic-restore"
  rm -rf "$WORK/restic-restore"
}

# 2. Restore of the mix.
restores restore "$WORK/data" "$DATA_BYTES" "$WORK/ferry-repo" "$WORK/restic-repo"

# 3. Incremental backup after a 1% change. A run takes under a second, where one stray page
# fault or context switch shows, so each tool runs it three times, each from a copy of its
# repository as the full backup left it, and the median run is reported (peak RSS: the largest).
CHANGED="$(npx tsx bench/mover/gen.ts change "$WORK/data" "$SCALE")"
cp -a "$WORK/ferry-repo" "$WORK/ferry-repo.full"
cp -a "$WORK/restic-repo" "$WORK/restic-repo.full"
for i in 1 2 3; do
  rm -rf "$WORK/ferry-repo" "$WORK/restic-repo"
  cp -a "$WORK/ferry-repo.full" "$WORK/ferry-repo"
  cp -a "$WORK/restic-repo.full" "$WORK/restic-repo"
  warm $((256 * 1048576)) # the run writes little, but its process touches ~120 MiB
  run "ferry-incr-$i" node bin/ferry.js mover backup --repo "$WORK/ferry-repo" --source "$WORK/data" --compression off --parent latest
  warm $((256 * 1048576))
  run "restic-incr-$i" restic -q -r "$WORK/restic-repo" backup --compression off "$WORK/data"
done
FERRY_INCR_BYTES=$(( $(size "$WORK/ferry-repo") - FERRY_FULL_REPO ))
RESTIC_INCR_BYTES=$(( $(size "$WORK/restic-repo") - RESTIC_FULL_REPO ))
rm -rf "$WORK/ferry-repo.full" "$WORK/restic-repo.full"

# 4. Many small files.
warm "$SMALL_BYTES"
run ferry-small node bin/ferry.js mover backup --repo "$WORK/ferry-small" --source "$WORK/small" --compression off
warm "$SMALL_BYTES"
run restic-small restic -q -r "$WORK/restic-small" backup --compression off "$WORK/small"

# 5. Restore of the many small files.
restores smallrest "$WORK/small" "$SMALL_BYTES" "$WORK/ferry-small" "$WORK/restic-small"

BENCH_WHERE="$BENCH_DIR ($(df -PT "$BENCH_DIR" | awk 'NR==2 {print $2}'))" node - "$WORK/results" "$DATA_BYTES" "$SMALL_BYTES" "$CHANGED" "$FERRY_INCR_BYTES" "$RESTIC_INCR_BYTES" \
  "$FERRY_FULL_REPO" "$RESTIC_FULL_REPO" "$SMALL_COUNT" <<'NODE'
const fs = require("node:fs");
const [file, data, small, changed, ferryIncr, resticIncr, ferryRepo, resticRepo, smallCount] = process.argv.slice(2);
const r = Object.fromEntries(fs.readFileSync(file, "utf8").trim().split("\n").map((l) => { const [k, s, m, c] = l.split(" "); return [k, { s: Number(s), rss: Number(m), cpu: Number(c) }]; }));
// A step run several times (label-1, label-2, …): its median run by time, with the largest RSS.
for (const key of new Set(Object.keys(r).filter((k) => /-\d+$/.test(k)).map((k) => k.replace(/-\d+$/, "")))) {
  const runs = Object.keys(r).filter((k) => k.startsWith(`${key}-`)).map((k) => r[k]).sort((a, b) => a.s - b.s);
  r[key] = { ...runs[Math.floor(runs.length / 2)], rss: Math.max(...runs.map((x) => x.rss)), all: runs.map((x) => x.s.toFixed(2)).join("/") };
}
const MB = 1e6;
const mbps = (bytes, s) => (Number(bytes) / MB / s).toFixed(0);
const row = (name, bytes, extra = "") => {
  const f = r[`ferry-${name}`], x = r[`restic-${name}`];
  console.log(`${name.padEnd(9)} ferry ${f.s.toFixed(2)}s ${mbps(bytes, f.s).padStart(5)} MB/s cpu ${f.cpu.toFixed(2)}s rss ${String(f.rss).padStart(4)} MiB | restic ${x.s.toFixed(2)}s ${mbps(bytes, x.s).padStart(5)} MB/s cpu ${x.cpu.toFixed(2)}s rss ${String(x.rss).padStart(4)} MiB | throughput ferry/restic ${(x.s / f.s).toFixed(2)}×${extra}`);
};
console.log(`data ${(data / 2 ** 20).toFixed(0)} MiB; small files ${smallCount} (${(small / 2 ** 20).toFixed(0)} MiB); in ${process.env.BENCH_WHERE}`);
row("full", data, ` | repo ferry ${(ferryRepo / 2 ** 20).toFixed(1)} MiB, restic ${(resticRepo / 2 ** 20).toFixed(1)} MiB`);
row("restore", data);
row("incr", data, ` | median of ferry ${r["ferry-incr"].all} s, restic ${r["restic-incr"].all} s | changed ${(changed / 2 ** 20).toFixed(1)} MiB, uploaded ferry ${(ferryIncr / 2 ** 20).toFixed(1)} MiB (${(ferryIncr / changed).toFixed(2)}×), restic ${(resticIncr / 2 ** 20).toFixed(1)} MiB (${(resticIncr / changed).toFixed(2)}×)`);
row("small", small, ` | ferry ${(smallCount / r["ferry-small"].s).toFixed(0)} files/s, restic ${(smallCount / r["restic-small"].s).toFixed(0)} files/s`);
row("smallrest", small, ` | ferry ${(smallCount / r["ferry-smallrest"].s).toFixed(0)} files/s, restic ${(smallCount / r["restic-smallrest"].s).toFixed(0)} files/s`);
NODE
