#!/usr/bin/env bash
# Detection speed, start-up and memory of this tree against a baseline tree, measured in the same run.
#
#   bash benches/detect_speed.sh BASE_TREE [REPEATS]
#
# BASE_TREE is another checkout of foiredact (e.g. a `git worktree add --detach ../base <commit>`). Both
# trees must have release builds of `foiredact` and the `detect_bench` example
# (`cargo build --release --bin foiredact --example detect_bench` in each; this script builds nothing).
# REPEATS (default 7) runs of each binary, interleaved (base, new, base, new ...); every figure is the
# median of its runs. Both detect_bench binaries read the same page texts (this tree's `samples/` and
# `../shared/corpus`, or $BENCH_CORPUS), and both start-up runs redact the same small sample.
#
# Prints, for the base and this tree:
#   detect_mb_per_s      detect_bench's rate over the page texts (MB of text per second, one core)
#   findings             detect_bench's finding count (the same in both trees when no finding changed)
#   startup_wall_s       wall time of `foiredact redact --jobs 1` of one small sample (process start,
#                        rule compiling, one file's work)
#   startup_max_rss_mib  its peak RSS (from /usr/bin/time)
# and ratio_detect=new/base (higher is faster; ratio_detect_paired: the median of each new run over the
# base run just before it), ratio_startup=new/base and ratio_rss=new/base (lower is
# better).
set -euo pipefail

base=${1:?usage: detect_speed.sh BASE_TREE [REPEATS]}
repeats=${2:-7}
new=$(cd "$(dirname "$0")/.." && pwd)
base=$(cd "$base" && pwd)
corpus=${BENCH_CORPUS:-$new/../shared/corpus}
sample=$new/samples/letter-contact.pdf
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for t in "$base" "$new"; do
    for b in target/release/foiredact target/release/examples/detect_bench; do
        [ -x "$t/$b" ] || { echo "detect_speed: error: $t/$b missing (build it first)" >&2; exit 2; }
    done
done
[ -x /usr/bin/time ] || { echo "detect_speed: error: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }

median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

for ((r = 1; r <= repeats; r++)); do
    for side in base new; do
        tree=${!side}
        out=$("$tree/target/release/examples/detect_bench" "$corpus" "$new/samples")
        rate=$(grep -o 'detect_mb_per_s=[0-9.]*' <<<"$out" | cut -d= -f2)
        found=$(grep -o ' findings=[0-9]*' <<<"$out" | cut -d= -f2)
        echo "$rate" >>"$work/$side.rate"
        echo "$found" >>"$work/$side.found"
        rm -rf "$work/out"
        # %e wall seconds, %M peak RSS in KiB. Exit 1 (a file declined) would still be a start-up.
        /usr/bin/time -f '%e %M' -o "$work/time" "$tree/target/release/foiredact" redact --jobs 1 \
            --out "$work/out" "$sample" >/dev/null 2>&1 || [ $? -eq 1 ]
        read -r wall rss <"$work/time"
        echo "$wall" >>"$work/$side.wall"
        echo "$rss" >>"$work/$side.rss"
    done
done

for side in base new; do
    rate=$(median <"$work/$side.rate")
    found=$(sort -u "$work/$side.found" | tr '\n' ' ')
    wall=$(median <"$work/$side.wall")
    rss=$(median <"$work/$side.rss")
    printf '%s: detect_mb_per_s=%s findings=%s startup_wall_s=%s startup_max_rss_mib=%.1f (runs: %s)\n' \
        "$side" "$rate" "${found% }" "$wall" "$(echo "$rss / 1024" | bc -l)" "$(tr '\n' ' ' <"$work/$side.rate")"
    eval "${side}_rate=$rate ${side}_wall=$wall ${side}_rss=$rss"
done
# Each new run over the base run just before it: less moved by other processes' load than the medians.
pair=$(paste "$work/new.rate" "$work/base.rate" | awk '{print $1 / $2}' | median)
printf 'ratio_detect=%.3f ratio_detect_paired=%.3f ratio_startup=%.3f ratio_rss=%.3f repeats=%s\n' \
    "$(echo "$new_rate / $base_rate" | bc -l)" "$pair" \
    "$(echo "$new_wall / $base_wall" | bc -l)" \
    "$(echo "$new_rss / $base_rss" | bc -l)" "$repeats"
