"""tests/bench/measure.py - time one command and read its peak memory, for make bench.

    measure.py [--log FILE] [--cwd DIR] [--nofile N] [--repeat K] [--args-from FILE] -- COMMAND...

prints one line: "SECONDS PEAK_KB STATUS".  SECONDS is the wall time from
starting the command to reaping it (the time of this script's own start-up
is not in it); PEAK_KB is the command's peak resident memory as GNU time
(/usr/bin/time, Debian's `time`) reads it, or 0 when that is not
installed; STATUS is its exit status, or "signal-N" when a signal ended it.

Why GNU time and not this script's own wait4: Linux counts the memory of
the process that calls exec into the peak of the program it runs, and a
child of Python starts with Python's 10 MB; a child of GNU time starts
with about 1 MB, as it would from a shell.

  --log FILE       the command's standard output and error go to FILE
                   (default: /dev/null)
  --cwd DIR        run the command in DIR
  --nofile N       run it with at most N open files (ulimit -n N)
  --repeat K       run it K times back to back and print the mean time (for
                   commands too short to time once); it stops at the first
                   run that fails
  --args-from FILE append the lines of FILE to the command, as xargs does:
                   in as few runs as the system's argument limit allows,
                   whose times add up (and whose peak is the largest)

Nothing here decides what is fast: run.sh takes medians and ratios.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time


def usage(message):
    sys.stderr.write("measure.py: %s\n" % message)
    sys.exit(2)


def parse(argv):
    opts = {"log": os.devnull, "cwd": None, "nofile": None, "repeat": 1, "args_from": None}
    names = {"--log": "log", "--cwd": "cwd", "--nofile": "nofile", "--repeat": "repeat",
             "--args-from": "args_from"}
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] not in names or i + 1 >= len(argv):
            usage("unknown option or missing value: %s" % argv[i])
        opts[names[argv[i]]] = argv[i + 1]
        i += 2
    command = argv[i + 1:]
    if not command:
        usage("no command after --")
    opts["repeat"] = int(opts["repeat"])
    if opts["nofile"] is not None:
        opts["nofile"] = int(opts["nofile"])
    return opts, command


def batches(command, args):
    """Split args into runs of command whose argument lists fit, as xargs does."""
    # Leave room for the environment and for the pointers execve copies too.
    limit = os.sysconf("SC_ARG_MAX") - sum(len(k) + len(v) + 2 for k, v in os.environ.items()) - 4096
    base = sum(len(a) + 1 + 8 for a in command)
    run, size = [], base
    for arg in args:
        cost = len(arg) + 1 + 8
        if run and size + cost > limit:
            yield command + run
            run, size = [], base
        run.append(arg)
        size += cost
    if run or not args:
        yield command + run


GNU_TIME = "/usr/bin/time"


def run_once(argv, log, cwd, peak_file):
    """Run argv (through GNU time when there is one, for its peak): (seconds, peak KB, status)."""
    timed = os.access(GNU_TIME, os.X_OK)
    if timed:
        argv = [GNU_TIME, "-q", "-f", "%M", "-o", peak_file] + argv
    start = time.perf_counter_ns()
    code = subprocess.call(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=cwd)
    seconds = (time.perf_counter_ns() - start) / 1e9
    peak = 0
    if timed:
        with open(peak_file) as f:
            lines = f.read().split()
        peak = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    # GNU time exits 128+N when signal N ended the command; bfplan itself exits 0, 1 or 2.
    if code < 0 or (timed and code > 128):
        status = "signal-%d" % (-code if code < 0 else code - 128)
    else:
        status = str(code)
    return seconds, peak, status


def main():
    opts, command = parse(sys.argv[1:])
    runs = [command]
    if opts["args_from"] is not None:
        with open(opts["args_from"]) as f:
            runs = list(batches(command, [line.rstrip("\n") for line in f if line.strip()]))
    total, peak, status = 0.0, 0, "0"
    with open(opts["log"], "w") as log, tempfile.NamedTemporaryFile(prefix="bench-peak.") as scratch:
        if opts["nofile"] is not None:
            # Lowered here, before the start, so the child inherits it (our own descriptors
            # are few).  The hard limit stays, as `ulimit -Sn` would leave it.
            _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (opts["nofile"], hard))
        for _ in range(opts["repeat"]):
            for argv in runs:
                seconds, kb, status = run_once(argv, log, opts["cwd"], scratch.name)
                total += seconds
                peak = max(peak, kb)
                if status != "0":
                    break
            if status != "0":
                break
    print("%.6f %d %s" % (total / opts["repeat"], peak, status))


if __name__ == "__main__":
    main()
