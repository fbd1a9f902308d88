#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the sweep tests and for trying
# `rectifier sweep submit --slurm` without a real cluster. Needs root and Debian's slurm-wlm and
# munge (apt-get install -y slurm-wlm munge).
#   scripts/slurm-local.sh start    writes /etc/slurm/slurm.conf, starts munged, slurmctld, slurmd, waits for the node
#   scripts/slurm-local.sh stop     stops them
#   scripts/slurm-local.sh status   sinfo
set -euo pipefail
state=/var/lib/slurm
conf=/etc/slurm/slurm.conf

# Runs a daemon with every descriptor above stderr closed and stdio on /dev/null. A daemon that
# kept an inherited descriptor would hold the caller's pipes open: Foundation's Process (the
# tests) sees its child exit only when a socket it passes down is closed, so waitUntilExit would
# never return (swift-corelibs-foundation issue 4795).
detached() {
    (
        for fd in /proc/self/fd/*; do
            fd=${fd##*/}
            if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        exec "$@" </dev/null >/dev/null 2>&1
    )
}

start() {
    command -v slurmctld >/dev/null || { echo "slurm-wlm is not installed (apt-get install -y slurm-wlm munge)" >&2; exit 1; }
    mkdir -p /etc/slurm "$state/slurmctld" "$state/slurmd" /var/log/slurm /run/munge /var/lib/munge /var/log/munge
    # The node line as slurmd sees this machine (CPUs, memory), named after this host.
    node=$(slurmd -C | head -1 | sed "s/^NodeName=[^ ]*/NodeName=$(hostname -s)/")
    cat > "$conf" <<CONF
ClusterName=rectifier-local
SlurmctldHost=$(hostname -s)
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=$state/slurmctld
SlurmdSpoolDir=$state/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
MaxArraySize=10001
KillWait=10
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
    if [ ! -s /etc/munge/munge.key ]; then
        mkdir -p /etc/munge
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
    chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
    chmod 0700 /etc/munge && chmod 0400 /etc/munge/munge.key
    pgrep -x munged >/dev/null || detached su -s /bin/sh munge -c /usr/sbin/munged
    pgrep -x slurmctld >/dev/null || detached slurmctld
    pgrep -x slurmd >/dev/null || detached slurmd
    for _ in $(seq 1 60); do
        if sinfo -h -o "%t" 2>/dev/null | grep -q -E "^idle"; then
            sinfo
            return 0
        fi
        scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true
        sleep 1
    done
    echo "the Slurm node did not become idle; see /var/log/slurm/" >&2
    sinfo >&2 || true
    exit 1
}

stop() {
    pkill -x slurmd || true
    pkill -x slurmctld || true
    pkill -x munged || true
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) sinfo ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
