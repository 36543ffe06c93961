#!/usr/bin/env bash
# volume_backup and volume_restore as playbooks run them, against two simulators (this cluster and another, the
# peer, with credentials of its own): a re-run adopts the running backup; refused S3 credentials fail the chained
# wait naming xBulkVolumeScriptFailure; a backup to the peer waits on both sides; a restore checks, refuses a volume
# too small, adopts, fails on a missing backup, and chains into get_async_result. No secret in the output (-vvv).
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 3

# The peer: another simulator with the same certificate (this one reaches it as bv_internal.py would).
peer_password='Peer-Cluster-Pw-5c1d'
peer_env="${SIM_DIR}/peer.env"
exec {peer_fd}< <(exec "${SIM_PYTHON}" "${SIM_ROOT}/tests/simulator/launch.py" --env-file "${peer_env}" \
    --log "${SIM_DIR}/peer.stderr" -- --tls-dir "${SIM_DIR}" --job-seconds 3 --username peer-admin \
    --password "${peer_password}")
peer_pid=$!
read -r -u "${peer_fd}" ready || true
exec {peer_fd}<&-
test "${ready}" = ready
trap 'kill "${peer_pid}" 2>/dev/null || true; sim_stop' EXIT
peer_url=$(. "${peer_env}" && echo "${SIM_URL}")
peer_host=${peer_url#https://}
peer_call() { SIM_URL=${peer_url} SIM_USERNAME=peer-admin SIM_PASSWORD=${peer_password} sim_call "$@"; }

account=$(sim_call AddAccount '{"username": "bulk"}' accountID)
sim_call CreateVolume "{\"name\": \"db01\", \"accountID\": ${account}, \"totalSize\": 2147483648}" >/dev/null
sim_call CreateVolume "{\"name\": \"db01-restored\", \"accountID\": ${account}, \"totalSize\": 2147483648}" >/dev/null
sim_call CreateVolume "{\"name\": \"tiny\", \"accountID\": ${account}, \"totalSize\": 1073741824}" >/dev/null
peer_account=$(peer_call AddAccount '{"username": "dr"}' accountID)
peer_call CreateVolume "{\"name\": \"db01-dr\", \"accountID\": ${peer_account}, \"totalSize\": 2147483648}" >/dev/null

_sim_xtrace_off
s3_secret='Bulk-S3-Secr3t-77aa'
_sim_xtrace_restore
sim_playbook bulk.yml -vvv -e "peer_host=${peer_host}" -e "peer_ca=${SIM_CA}" \
    -e '{"s3_secret": "'"${s3_secret}"'", "peer_password": "'"${peer_password}"'"}' "$@"
_sim_xtrace_off
for secret in "${s3_secret}" "${peer_password}" "${SIM_PASSWORD}"; do sim_assert_no_grep "${secret}" "${SIM_LOG}"; done
_sim_xtrace_restore
sim_assert_grep 'handle [0-9]+ \(bulk volume read \(backup\) [0-9]+ of volume [0-9]+\): [0-9]+%' "${SIM_LOG}"
sim_assert_grep 'other cluster: handle [0-9]+: complete' "${SIM_LOG}"

# What the clusters saw: one read per backup started, the destination's session, the restore's read there.
test "$(sim_call SimCallLog '{}' 'calls[?method==StartBulkVolumeRead]|length')" = 3
test "$(peer_call SimCallLog '{}' 'calls[?method==StartBulkVolumeWrite]|length')" = 1
test "$(peer_call SimCallLog '{}' 'calls[?method==StartBulkVolumeRead]|length')" = 1
