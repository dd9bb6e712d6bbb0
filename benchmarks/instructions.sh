#!/usr/bin/env bash
# Instructions per request of one in-process workload (benchmarks/inprocess.py), counted by
# valgrind's callgrind: the same figure whatever else the machine is doing, so two trees can be
# compared on a busy machine. The set-up is counted once with 0 requests and subtracted.
#   benchmarks/instructions.sh create 600              # this tree
#   ROOST_TREE=/path/to/other/checkout benchmarks/instructions.sh create 600
#   benchmarks/instructions.sh view 600 --db postgresql://postgres@127.0.0.1:5432/roost_bench
# On PostgreSQL only this process's instructions are counted, not the database server's.
set -euo pipefail
cd "$(dirname "$0")/.."
workload=${1:?workload: health, view, list, create, update, expand or graphql}
n=${2:-600}
shift 2 || shift $#
extra=("$@")  # e.g. --db URL
tree=${ROOST_TREE:-$PWD}
python=${PYTHON:-$PWD/.venv/bin/python}
count() {
    PYTHONHASHSEED=0 PYTHONPATH="$tree" valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$python" -P benchmarks/inprocess.py "$workload" "$1" "${extra[@]}" 2>&1 | grep -o "Collected : [0-9]*" | grep -o "[0-9]*$"
}
base=$(count 0)
total=$(count "$n")
echo "$workload: $(( (total - base) / n / 1000 ))k instructions per request ($tree)"
