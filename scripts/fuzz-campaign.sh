#!/usr/bin/env bash
# Runs the fuzz targets one after another (docs/fuzzing.md), each for
# SECONDS (default 600), niced so the machine stays usable, with the issue's
# bounds: no input over 1 s, no more than 256 MB. Seeds first with
# scripts/fuzz-seeds.sh when fuzz/corpus is missing. Needs the nightly
# toolchain and cargo-fuzz (`rustup toolchain install nightly`,
# `cargo install cargo-fuzz`); the project itself stays on stable.
#
# Built without a sanitizer (`-s none`): the project's code forbids unsafe, so
# AddressSanitizer has little to find, and its quarantine of freed memory
# (256 MB by default) alone puts a process over the 256 MB bound, which then
# means nothing. Overflow checks and debug assertions stay on (cargo-fuzz's
# default). Set FUZZ_SANITIZER=address to run with it anyway (and no RSS bound).
#
#   scripts/fuzz-campaign.sh [SECONDS] [TARGET...]
#
# Each target's libFuzzer log goes to fuzz/logs/<target>.log; a summary line
# per target (time, executions, peak RSS, crash artifacts) is printed at the
# end. Crashers land in fuzz/artifacts/<target>/: replay one with
# `cargo +nightly fuzz run -s none <target> fuzz/artifacts/<target>/<file>`
# (from fuzz/).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${1:-600}"
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(sigma_file sigma_condition kql eql esql spl_search elastic_toml splunk_yaml catalog_reader)
fi
[[ -d fuzz/corpus ]] || bash scripts/fuzz-seeds.sh
mkdir -p fuzz/logs
sanitizer="${FUZZ_SANITIZER:-none}"
rss_limit=256
[[ "$sanitizer" == none ]] || rss_limit=0
(cd fuzz && nice -n 10 cargo +nightly fuzz build -s "$sanitizer") || exit 1
# Run the built binaries directly (as `cargo fuzz run` does after building):
# `cargo fuzz run` would rebuild first whenever a source changed meanwhile.
bin="fuzz/target/x86_64-unknown-linux-gnu/release"
summary=()
for target in "${targets[@]}"; do
  log="fuzz/logs/$target.log"
  echo "== $target: ${seconds} s (log in $log)"
  mkdir -p "fuzz/artifacts/$target"
  before=$(find "fuzz/artifacts/$target" -type f | wc -l)
  # /usr/bin/time adds the CPU time the target got (the machine is shared:
  # a niced fuzzer may get much less than the wall time) and its peak RSS.
  /usr/bin/time -f "time: %U s user, %S s system, %M KB max RSS" nice -n 10 "$bin/$target" \
    -artifact_prefix="fuzz/artifacts/$target/" -max_total_time="$seconds" -rss_limit_mb="$rss_limit" \
    -timeout=1 -print_final_stats=1 "fuzz/corpus/$target" >"$log" 2>&1
  status=$?
  after=$(find "fuzz/artifacts/$target" -type f | wc -l)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  rss=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cpu=$(grep -o '^time: .*' "$log" | tail -1)
  line="$target: ${seconds} s, ${execs:-?} executions, peak RSS ${rss:-?} MB, exit $status, $((after - before)) new artifacts (${cpu:-no time})"
  echo "$line"
  summary+=("$line")
done
echo "== summary"
printf '%s\n' "${summary[@]}"
