#!/usr/bin/env bash
# Measures release-profile and TLS-provider choices: clean build time (all crates, this
# machine's cores), binary size, and the median start-up of `ims-share --version`.
# Usage: benches/release-profile.sh   (takes 20-30 minutes on 2 cores; prints a table)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median_startup() { # microseconds; bash's EPOCHREALTIME, so no process is started to read the clock
  local bin=$1 times=() t0 t1
  for _ in $(seq 51); do
    t0=${EPOCHREALTIME/./}; "$bin" --version >/dev/null; t1=${EPOCHREALTIME/./}
    times+=($((t1 - t0)))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 26p
}

measure() { # name, then env assignments for cargo
  local name=$1; shift
  local target="$work/target-$name"
  local t0 t1
  t0=$(date +%s)
  env "$@" CARGO_TARGET_DIR="$target" cargo build --release --bin ims-share -q
  t1=$(date +%s)
  local bin="$target/release/ims-share"
  printf '| %s | %s s | %.2f MB | %s us |\n' "$name" $((t1 - t0)) \
    "$(echo "$(stat -c %s "$bin") / 1048576" | bc -l)" "$(median_startup "$bin")"
  rm -rf "$target"
}

echo "| variant | clean build | binary | --version median |"
echo "|---|---|---|---|"
P=CARGO_PROFILE_RELEASE
measure default "${P}_STRIP=none" "${P}_LTO=false" "${P}_CODEGEN_UNITS=16" "${P}_PANIC=unwind" "${P}_OPT_LEVEL=3"
measure strip "${P}_STRIP=symbols" "${P}_LTO=false" "${P}_CODEGEN_UNITS=16" "${P}_PANIC=unwind" "${P}_OPT_LEVEL=3"
measure strip+thin-lto "${P}_STRIP=symbols" "${P}_LTO=thin" "${P}_CODEGEN_UNITS=16" "${P}_PANIC=unwind" "${P}_OPT_LEVEL=3"
measure strip+fat-lto+cgu1 "${P}_STRIP=symbols" "${P}_LTO=fat" "${P}_CODEGEN_UNITS=1" "${P}_PANIC=unwind" "${P}_OPT_LEVEL=3"
measure strip+fat-lto+cgu1+abort "${P}_STRIP=symbols" "${P}_LTO=fat" "${P}_CODEGEN_UNITS=1" "${P}_PANIC=abort" "${P}_OPT_LEVEL=3"
measure strip+fat-lto+cgu1+opt-s "${P}_STRIP=symbols" "${P}_LTO=fat" "${P}_CODEGEN_UNITS=1" "${P}_PANIC=unwind" "${P}_OPT_LEVEL=s"

# The same, with aws-lc-rs instead of ring as the TLS crypto provider.
cp -r "$src" "$work/aws"
rm -rf "$work/aws/target"
cd "$work/aws"
sed -i 's/^rustls = .*/rustls = { version = "0.23", default-features = false, features = ["aws-lc-rs", "std", "tls12"] }/' Cargo.toml
sed -i 's/rustls::crypto::ring::default_provider()/rustls::crypto::aws_lc_rs::default_provider()/' src/api/client.rs
cargo update -q -p rustls 2>/dev/null || true
measure "aws-lc-rs (strip+fat-lto+cgu1)" "${P}_STRIP=symbols" "${P}_LTO=fat" "${P}_CODEGEN_UNITS=1" "${P}_PANIC=unwind" "${P}_OPT_LEVEL=3"
