#!/usr/bin/env bash
# Several handles in one task: one ListAsyncResults per round, one full read per handle, results in input order.
set -eux
source ../setup_simulator/simulator.sh
sim_start

# Five jobs that run until finished below, and one finished before the wait starts. volumeID 500 + index.
handles=()
for index in 0 1 2 3 4 5; do
    seconds=null
    if [ "${index}" = 5 ]; then seconds=0; fi
    handles+=("$(sim_call SimCreateJob "{\"resultType\": \"Clone\", \"seconds\": ${seconds}, \"result\": {\"cloneID\": $((50 + index)), \"message\": \"Clone complete.\", \"volumeID\": $((500 + index))}}" asyncHandle)")
done

# Once the wait has started polling, finish the jobs one by one, in an order unlike the input order, so the
# wait sees several rounds with some jobs running and others complete.
(
    until sim_call SimCallLog | grep -q '"ListAsyncResults"'; do sleep 0.2; done
    for index in 2 0 4 1 3; do
        sleep 0.7
        sim_call SimFinishJob "{\"asyncHandle\": ${handles[${index}]}}" >/dev/null
    done
) &
finisher=$!

sim_playbook many.yml -e "{\"handles\": [$(IFS=,; echo "${handles[*]}")]}" "$@"
wait "${finisher}"

# Six handles: a summary line per round that changed something, not a line per handle (those are -v lines).
sim_assert_grep '\] 0 of 6 complete, 6 running|\] 1 of 6 complete, 5 running' "${SIM_LOG}"
sim_assert_grep '\] 6 of 6 complete \[' "${SIM_LOG}"
sim_assert_grep '\] released 6 of 6 finished handles' "${SIM_LOG}"
