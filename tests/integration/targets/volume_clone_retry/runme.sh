#!/usr/bin/env bash
# CloneVolume retries: clone limits (injected and real), a connection dropped before the cluster applied the
# request, an answer lost after the cluster applied it, and a deadline that ends the retries. Every case ends
# with exactly one volume of the clone's name, and every resend of CloneVolume followed a lookup by name.
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 2
account=$(sim_call AddAccount '{"username": "retry-account"}' accountID)
sim_call CreateVolume "{\"name\": \"retry-src\", \"accountID\": ${account}, \"totalSize\": 1073741824}" >/dev/null
sim_playbook retry.yml "$@"
# Each retry was reported as it happened (the clone task runs in-process on the local connection).
sim_assert_grep '^\[localhost\] transient error, will retry: xMaxClonesPerVolumeExceeded' "${SIM_LOG}"
