#!/usr/bin/env bash
# A cluster that keeps 10,000, 40,000 and 100,000 results (about 2, 9 and 23 MiB of ListAsyncResults): a wait on one
# handle, a wait on seven (each round lists every kept result), and async_results_info all work as on an empty
# cluster, and the run's peak memory stays within MEMORY_MARGIN_KIB of the 10,000 case. An endless or oversized
# body is still refused (the fault_matrix rows endless_body and endless_chunked_body).
set -eux
source ../setup_simulator/simulator.sh
sim_start
play_args=("$@")
MEMORY_MARGIN_KIB=$((160 * 1024))
measures=()
base_kib=

for count in 10000 40000 100000; do
    sim_call SimReset >/dev/null
    added=$(sim_call SimAddKeptResults "{\"count\": ${count}}")
    first=$(sim_pick first <<<"${added}")
    last=$(sim_pick last <<<"${added}")
    measure_file="${SIM_DIR}/measure-${count}"
    SIM_MEASURE=${measure_file} sim_playbook big.yml -e "kept_first=${first}" -e "kept_last=${last}" \
        -e "count=${count}" "${play_args[@]}"
    read -r wall kib < "${measure_file}"
    base_kib=${base_kib:-${kib}}
    if [ "${kib}" -gt $((base_kib + MEMORY_MARGIN_KIB)) ]; then
        echo "big cluster: ${count} kept results peaked at ${kib} KiB, more than ${MEMORY_MARGIN_KIB} KiB over 10000" >&2
        exit 1
    fi
    measures+=("$(printf '%6d kept results: run %5s s, peak %4d MiB; %s' "${count}" "${wall}" $((kib / 1024)) \
        "$(grep -o "BIG-CLUSTER ${count} [^\"]*" "${SIM_LOG}" | head -n 1)")")
done
set +x
printf '%s\n' "big cluster measurements:" "${measures[@]}"
