#!/usr/bin/env bash
# foiredact over a Slurm job array: 8 array tasks, each redacting its own share of the inputs into one
# shared output folder (see the README, "Scale-out"). Submit it, then the merge of the shards' logs
# to run once every task has ended (afterany: a task that declined a file exits 1, its logs count):
#   jid=$(sbatch --parsable slurm-array.sh /shared/foi/in /shared/foi/out)
#   sbatch --dependency=afterany:$jid --wrap 'foiredact merge-logs /shared/foi/out --out /shared/foi/out'
# merge-logs refuses while a shard's logs are missing (a task that never ran or stopped early).
# Each task's share is (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP + 1 of
# SLURM_ARRAY_TASK_COUNT (`--shard auto`), so --array=1-8, 0-7 or 0-14:2 all work; an array with
# uneven indices (--array=1,2,5) is refused.
#SBATCH --job-name=foiredact
#SBATCH --array=1-8
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=04:00:00
#SBATCH --output=foiredact-%A_%a.log
set -euo pipefail

in=${1:?usage: sbatch slurm-array.sh IN_DIR OUT_DIR}
out=${2:?usage: sbatch slurm-array.sh IN_DIR OUT_DIR}

# --no-consistent: unrelated requests (one request in one batch is read whole by every task).
foiredact redact "$in" --out "$out" --shard auto --resume --no-consistent --jobs "${SLURM_CPUS_PER_TASK:-1}" --quiet
