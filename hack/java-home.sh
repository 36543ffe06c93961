#!/usr/bin/env bash
# Prints the JAVA_HOME of a JDK 17 or newer (ansible-rulebook's rules engine, drools via jpy, needs one):
# JAVA_HOME when it is set and holds one, else the JDK behind the `java` on PATH. Exits 1 with a message otherwise.
set -euo pipefail
major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
candidates=()
if [ -n "${JAVA_HOME:-}" ]; then candidates+=("$JAVA_HOME"); fi
if command -v java >/dev/null 2>&1; then
    java_bin=$(readlink -f "$(command -v java)")
    candidates+=("$(dirname "$(dirname "$java_bin")")")
fi
for home in "${candidates[@]}"; do
    version=$(major "$home" || true)
    # jpy loads libjvm from JAVA_HOME: a JRE's lib/server/libjvm.so is enough
    if [ -n "$version" ] && [ "$version" -ge 17 ] && [ -n "$(find "$home/lib" -name libjvm.so -print -quit 2>/dev/null)" ]; then
        printf '%s\n' "$home"
        exit 0
    fi
done
echo "java-home: no JDK 17 or newer found (JAVA_HOME, or the java on PATH); ansible-rulebook needs one:" \
     "apt-get install openjdk-17-jre-headless, or dnf install java-17-openjdk-headless" >&2
exit 1
