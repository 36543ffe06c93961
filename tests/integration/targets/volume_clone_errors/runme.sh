#!/usr/bin/env bash
# Bad sources fail naming what is wrong: a missing source ID or name, a name matching volumes in two accounts,
# a missing snapshot or target account. Only the snapshot case reaches CloneVolume (the cluster knows snapshots).
set -eux
source ../setup_simulator/simulator.sh
sim_start

first=$(sim_call AddAccount '{"username": "errors-one"}' accountID)
second=$(sim_call AddAccount '{"username": "errors-two"}' accountID)
a=$(sim_call CreateVolume "{\"name\": \"shared-name\", \"accountID\": ${first}, \"totalSize\": 1073741824}" volumeID)
b=$(sim_call CreateVolume "{\"name\": \"shared-name\", \"accountID\": ${second}, \"totalSize\": 1073741824}" volumeID)
sim_call SimCallLog '{"clear": true}' >/dev/null

sim_playbook errors.yml -e "{\"first\": ${first}, \"second\": ${second}, \"vol_a\": ${a}, \"vol_b\": ${b}}" "$@"
sim_playbook errors.yml --check -e "{\"first\": ${first}, \"second\": ${second}, \"vol_a\": ${a}, \"vol_b\": ${b}}" "$@"

# Only the snapshot clone (once per run, real mode only) was sent; nothing else was cloned.
test "$(sim_call SimCallLog '{}' 'calls[?method==CloneVolume].params.name')" \
    = '["errors-narrowed", "errors-from-snapshot"]'
