#!/usr/bin/env bash
# An api_version the cluster does not serve, and a port nobody listens on.
set -eux
source ../setup_simulator/simulator.sh
sim_start
# A port that was free a moment ago: bind, read it, close.
closed_port=$("${SIM_PYTHON}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
sim_playbook endpoint.yml -e "closed_port=${closed_port}" "$@"
