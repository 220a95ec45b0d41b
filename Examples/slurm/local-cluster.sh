#!/usr/bin/env bash
# A single-node Slurm cluster on Debian 12 for trying the array job here (and for CI): munge, slurmctld and
# slurmd from apt, a minimal slurm.conf, the daemons started by hand (no systemd needed).
#   Examples/slurm/local-cluster.sh start     # install if needed, write /etc/slurm/slurm.conf, start, wait until idle
#   Examples/slurm/local-cluster.sh stop      # stop the three daemons this script started
#   Examples/slurm/local-cluster.sh status
# The process-tracking and task plugins are the ones that work in a container: the cgroup plugins fail there
# ("cgroup namespace 'freezer' not mounted"), proctrack/linuxproc and task/none do not need cgroups. It refuses
# to replace a slurm.conf it did not write, so it never takes over a real cluster's node.
set -euo pipefail
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
conf=/etc/slurm/slurm.conf
state=/var/lib/maskbench-slurm
marker="# Written by MaskBench's Examples/slurm/local-cluster.sh"

install_packages() {
    local missing=()
    for p in munge slurmctld slurmd slurm-client; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    if [ "${#missing[@]}" -gt 0 ]; then
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

write_config() {
    if [ -f "$conf" ] && ! head -1 "$conf" | grep -qF "$marker"; then
        echo "$conf exists and was not written by this script; not replacing it" >&2
        exit 2
    fi
    local host cpus memory
    host=$(hostname -s)
    cpus=$(nproc)
    memory=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 9 / 10))
    $sudo mkdir -p /etc/slurm "$state/ctld" "$state/d" /var/log/slurm
    $sudo tee "$conf" >/dev/null <<CONF
$marker
ClusterName=maskbench
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
    install_packages
    write_config
    if [ ! -s /etc/munge/munge.key ]; then
        $sudo mungekey --create --keyfile /etc/munge/munge.key
        $sudo chown munge:munge /etc/munge/munge.key
        $sudo chmod 400 /etc/munge/munge.key
    fi
    $sudo mkdir -p /run/munge
    $sudo chown munge:munge /run/munge
    if ! running /run/munge/munged.pid; then
        $sudo runuser -u munge -- /usr/sbin/munged
    fi
    # -c: start without the jobs a stopped or killed controller saved. Their processes ended with the daemons,
    # and kept as "running" they would hold the node, leaving every new job pending (an interrupted
    # Scripts/test-slurm.sh used to make the next one wait out its 20-minute deadline).
    running "$state/slurmctld.pid" || $sudo slurmctld -c
    running "$state/slurmd.pid" || $sudo slurmd
    local host
    host=$(hostname -s)
    for _ in $(seq 60); do
        if sinfo -h -n "$host" -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
            sinfo
            return 0
        fi
        sleep 1
    done
    echo "the node did not become idle in 60 s; see /var/log/slurm/slurmctld.log and slurmd.log" >&2
    sinfo -R >&2 || true
    exit 1
}

stop() {
    for pidfile in "$state/slurmd.pid" "$state/slurmctld.pid" /run/munge/munged.pid; do
        if running "$pidfile"; then
            pid=$(cat "$pidfile")
            $sudo kill "$pid"
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
    done
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) sinfo && squeue ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
