#!/usr/bin/env bash
# fact_name across tasks and plays; module_defaults for the action group with no SOLIDFIRE_* in the environment;
# the user/pass aliases; an until-loop with wait: false.
set -eux
source ../setup_simulator/simulator.sh
sim_start
sim_playbook facts.yml "$@"
# The playbooks below get the simulator only from module_defaults or task options.
env -u SOLIDFIRE_HOSTNAME -u SOLIDFIRE_USERNAME -u SOLIDFIRE_PASSWORD -u SOLIDFIRE_CA_PATH \
    bash -c 'source ../setup_simulator/simulator.sh && sim_playbook defaults.yml "$@"' defaults "$@"
