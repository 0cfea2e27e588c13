#!/usr/bin/env bash
# Called by Maven (process-classes): builds the native kernel when a C compiler is there, and
# otherwise says so and lets the build go on; the app then runs on ND4J.
set -euo pipefail
target="$1"      # Maven's target folder
java_home="$2"   # the JDK running Maven, for jni.h
cd "$(dirname "$0")"
cc="${CC:-gcc}"
if [[ "${DIGITFLOW_NATIVE_SKIP:-false}" == "true" ]]; then
  echo "[digitflow] DIGITFLOW_NATIVE_SKIP=true: building without the native kernel (ND4J only)"
  exit 0
fi
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "[digitflow] no C compiler ($cc) on PATH: building without the native kernel (ND4J only)"
  exit 0
fi
if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "[digitflow] the native kernel is built for Linux x86-64 only; this is $(uname -s)-$(uname -m) (ND4J only)"
  exit 0
fi
jdk="$java_home"
[[ -f "$jdk/include/jni.h" ]] || jdk="$(dirname "$java_home")"
if [[ ! -f "$jdk/include/jni.h" ]]; then
  echo "[digitflow] no jni.h under $java_home (a JRE, not a JDK?): building without the native kernel (ND4J only)"
  exit 0
fi
# From here on a failure is a real error in src-native and fails the build.
exec make --no-print-directory --silent CC="$cc" JAVA_HOME="$jdk" OUT="$target/classes/native/linux-x86_64" \
  HEADERS="$target/native/include" BUILD="$target/native/obj"
