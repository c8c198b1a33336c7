#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, started for one test: munged, slurmctld and
# slurmd with a configuration written here (ports 16817/16818, state in a temporary
# directory), then the array job of scripts/slurm/eval-array.sbatch (3 shards, the sample set,
# a fixture model) and the dependent merge job; the merged report must equal an unsharded run
# byte for byte. Needs root and Debian's slurm-wlm and munge (scripts/setup.sh installs them).
#   tests/slurm/run.sh RSBENCH_BINARY
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "$1")
work=$(mktemp -d)
host=$(hostname -s)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# munge: its own key, its own socket.
mkdir -p "$work/munge" && chmod 700 "$work/munge"
dd if=/dev/urandom bs=1 count=1024 of="$work/munge/munge.key" status=none
chmod 400 "$work/munge/munge.key"
munged --force --foreground --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/pid" --log-file="$work/munge/log" --seed-file="$work/munge/seed" \
  >"$work/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/munge/socket" ] && break; sleep 0.1; done

mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<CONF
ClusterName=rsbench-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -D -i >"$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D >"$work/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 0.2
done
sinfo -h -o %T | grep -q idle || { echo "slurm did not come up"; cat "$work"/*.log; exit 1; }

run="$work/runs/sharded"
export RUN="$run" DATASET=datasets/sample RSBENCH="$bin" MODEL=tests/fixtures/models/bert-cls2 RSBENCH_NO_CACHE=1
array=$(sbatch --parsable --array=0-2 --cpus-per-task=1 --chdir="$PWD" --output="$work/eval-%a.out" \
  scripts/slurm/eval-array.sbatch)
merge=$(sbatch --parsable --dependency="afterok:$array" --cpus-per-task=1 --chdir="$PWD" \
  --output="$work/merge.out" scripts/slurm/merge.sbatch)
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && break
  sleep 0.5
done
if [ ! -f "$run/report/summary.json" ]; then
  echo "the merge job wrote no report"; tail -n 30 "$work"/*.out "$work"/*.log; exit 1
fi
"$bin" eval --model "$MODEL" --dataset "$DATASET" --dtype f32 --out "$work/plain" -q 2>/dev/null
diff -r -x timing.json "$run/report" "$work/plain"
ls "$run" | grep -c '^shard-.-of-3.jsonl$' | grep -qx 3
echo "slurm: 3 array tasks and the merge job gave the unsharded report byte for byte"
