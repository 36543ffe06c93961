#!/usr/bin/env bash
# docs/examples/backup_clone_and_wait.yml and restore_into_fresh_volume.yml: clone, back the clone up to S3, wait;
# restore the backup into a fresh volume; the restored volume holds what the clone held. --check first starts
# nothing. The S3 secret appears nowhere in the output (-vvv).
set -eux
source ../setup_simulator/simulator.sh
sim_start --job-seconds 3
export S3_HOSTNAME=s3.example.com S3_BUCKET=element-backups S3_ACCESS_KEY_ID=AKIAEXAMPLE
_sim_xtrace_off
S3_SECRET_ACCESS_KEY='Example-S3-Secr3t-9f1'
export S3_SECRET_ACCESS_KEY
_sim_xtrace_restore
backup="${SIM_ROOT}/docs/examples/backup_clone_and_wait.yml"
restore="${SIM_ROOT}/docs/examples/restore_into_fresh_volume.yml"

# check mode on a cluster that has the source: nothing is cloned or backed up
account=$(sim_call AddAccount '{"username": "demo-db01-account"}' accountID)
sim_call CreateVolume "{\"name\": \"demo-db01\", \"accountID\": ${account}, \"totalSize\": 10737418240}" >/dev/null
sim_playbook "${backup}" --check "$@"
sim_assert_grep 'failed=0' "${SIM_LOG}"
test "$(sim_call SimCallLog '{}' 'calls[?method==StartBulkVolumeRead]|length')" = 0
test "$(sim_call SimCallLog '{}' 'calls[?method==CloneVolume]|length')" = 0

sim_playbook "${backup}" -vvv "$@"
sim_assert_grep 'backup of volume [0-9]+ to s3://element-backups/[^/]+/demo-db01-backup-clone-[0-9]+, bulk volume job [0-9]+, changed: True' "${SIM_LOG}"
sim_assert_grep 'handle [0-9]+: complete \(BulkVolume\)' "${SIM_LOG}"
sim_assert_grep 'bulk volume read \(backup\) [0-9]+ of volume [0-9]+\): [0-9]+%' "${SIM_LOG}"
sim_assert_grep 'released: True' "${SIM_LOG}"
_sim_xtrace_off
sim_assert_no_grep "${S3_SECRET_ACCESS_KEY}" "${SIM_LOG}"
_sim_xtrace_restore
prefix=$(sim_call SimS3 '{}' 'objects.0.prefix')
clone=$(sim_call ListVolumes '{"volumeName": "demo-db01-backup-clone"}' 'volumes.0.volumeID')

sim_playbook "${restore}" -e "backup_prefix=${prefix}" -vvv "$@"
sim_assert_grep 'restore into volume [0-9]+ \(demo-db01-restored\), changed: True' "${SIM_LOG}"
sim_assert_grep 'handle [0-9]+: complete' "${SIM_LOG}"
_sim_xtrace_off
sim_assert_no_grep "${S3_SECRET_ACCESS_KEY}" "${SIM_LOG}"
_sim_xtrace_restore
restored=$(sim_call ListVolumes '{"volumeName": "demo-db01-restored"}' 'volumes.0.volumeID')
test "$(sim_call SimVolumeData "{\"volumeID\": ${restored}}" data)" = "$(sim_call SimVolumeData "{\"volumeID\": ${clone}}" data)"
