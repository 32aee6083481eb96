#!/usr/bin/env bash
# Installs everything edgec needs on a bare Debian machine with Node.js 20+: the Debian packages
# (only those missing; needs root or sudo) and the npm dependencies, then builds the CLI and the
# WebAssembly kernels (`npm ci` runs the `prepare` script). Used by README's quick start and CI.
set -euo pipefail
cd "$(dirname "$0")/.."
# clang + lld: the WebAssembly kernels are built from source by `npm ci` (prepare); clang-16 +
# lld-16 build their relaxed-SIMD (fused multiply-add) variant (clang 14 lacks its standard opcodes).
# gcc, gcc-arm-none-eabi + newlib: the emitted C is compiled by `edgec verify` and the tests.
# qemu-system-arm: `edgec verify --qemu` runs the emitted C on emulated Cortex-M boards.
# chromium: the test that renders report.html headless.
# libonnx-testdata: the ONNX backend conformance data the tests run.
DEBIAN_PACKAGES=(gcc make clang lld clang-16 lld-16 gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm chromium libonnx-testdata)
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# onnxruntime-node (a test reference) ships its CPU binaries in the package: skip its download step.
export ONNXRUNTIME_NODE_INSTALL=skip
npm ci --no-audit --no-fund
