#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run one of the kernel's driver tests in place, from a linux-source tree.

  kdrv.py .../tools/testing/selftests/drivers/net/TEST.py

The test runs unchanged (its own lib.py, ynl and specs from that tree), with
its own KTAP output and exit status.  One difference: the tests build their
ynl families at import time, so on a kernel without a netlink family (the
netdev family appeared in 6.3) the whole script would die before running any
case.  Here such a family is replaced by a stand-in whose every operation
raises KsftSkipEx("kernel lacks the <family> netlink family ..."), so only
the cases that use it skip (with that reason) and the others still run.
A family the kernel has is used as is: its errors stay failures.  And the
lib's wait for a listener (wait_port_listen, 5 s) gets 60 s: a debug kernel
under TCG can take longer than 5 s to start socat in a namespace.
"""
import faulthandler
import inspect
import os
import runpy
import subprocess
import sys
import threading

test = os.path.abspath(sys.argv[1])
sys.argv = [test] + sys.argv[2:]
sys.path.insert(0, os.path.dirname(test))
sys.dont_write_bytecode = True


def watchdog(secs):
    """A test stuck this long (the 6.12 lib's cmd() waits for its commands
    without a time limit) shows where it is and what runs, and ends."""
    print(f"# kdrv.py: still running after {secs} s: stacks and processes",
          flush=True)
    faulthandler.dump_traceback(file=sys.stdout, all_threads=True)
    sys.stdout.flush()
    subprocess.run(["ps", "-N", "--ppid", "2", "--cols", "160", "--forest",
                    "-o", "pid,ppid,stat,etime,args"],
                   stdout=sys.stdout, stderr=subprocess.STDOUT, check=False)
    os._exit(124)


secs = int(os.environ.get("KDRV_TIMEOUT", "280"))  # kdrv.sh stops it at 300
timer = threading.Timer(secs, watchdog, args=(secs,))
timer.daemon = True
timer.start()

import lib.py as drvlib  # noqa: E402  drivers/net/lib/py (pulls in net/lib/py)
from lib.py import KsftSkipEx, ksft_pr  # noqa: E402


class AbsentFamily:
    def __init__(self, family):
        self._family = family

    def __getattr__(self, op):
        def skip(*args, **kwargs):
            raise KsftSkipEx(f"kernel lacks the {self._family} netlink family"
                             f" ({op.replace('_', '-')})")
        return skip


def guarded(cls, family):
    def make(*args, **kwargs):
        try:
            return cls(*args, **kwargs)
        except Exception as e:  # ynl: "Family 'x' not supported by the kernel"
            if f"Family '{family}' not supported by the kernel" not in str(e):
                raise
            ksft_pr(f"kdrv.py: kernel lacks the {family} netlink family:"
                    " its cases skip")
            return AbsentFamily(family)
    return make


def longer_deadline(fn, secs):
    names = [p.name for p in inspect.signature(fn).parameters.values()
             if p.default is not inspect.Parameter.empty]
    if "deadline" in names:
        d = list(fn.__defaults__)
        d[names.index("deadline")] = secs
        fn.__defaults__ = tuple(d)


longer_deadline(drvlib.wait_port_listen, 60)
drvlib.EthtoolFamily = guarded(drvlib.EthtoolFamily, "ethtool")
drvlib.NetdevFamily = guarded(drvlib.NetdevFamily, "netdev")

runpy.run_path(test, run_name="__main__")
