#!/usr/bin/env python3
"""mailq_rate.py: mailq (-bp) on a big queue, ours against the real
sendmail 8.17, both listing the same directory.

    python3 bench/mailq_rate.py [-n MESSAGES] [-r REPEATS] [--keep DIR]

The queue is written once in sendmail 8.17's format (qf/df pairs with IDs
of its form, a few recipients each, some with a status line) into a
private directory; the configuration is a generic .mc built with the real
cf tree whose QUEUE_DIR is that directory.  Both programs list it with
output to /dev/null; the figure is the best of REPEATS runs.  Before
timing, the script checks that both print the same listing
(same_output=yes; sendmail's alias warning and the load-average marks
are left out by a high QueueLA).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
ORACLE = os.environ.get("ORACLE", os.path.join(os.path.dirname(TOP), "shared", "oracle"))
B60 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx"

MC = """divert(-1)
divert(0)dnl
include(_CF_ROOT_`/m4/cf.m4')dnl
OSTYPE(`linux')dnl
define(`confDOMAIN_NAME', `mail.example.com')dnl
define(`QUEUE_DIR', `%(q)s')dnl
define(`ALIAS_FILE', `%(w)s/aliases')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`confDONT_BLAME_SENDMAIL', `TrustStickyBit')dnl
FEATURE(`nocanonify')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
"""


def make_queue(q, n):
    os.makedirs(q, exist_ok=True)
    t0 = 1796142512
    for i in range(n):
        # sendmail's form YMDhmsNNpppppp; h m s N N count the messages
        enc = "".join(B60[(i // 60 ** k) % 60] for k in range(4, -1, -1))
        qid = "6B1%s%06d" % (enc, i % 1000000)
        body = b"line %d\n" % i * (1 + i % 5)
        rc = ["RPFD:<user%d@example.org>" % i]
        if i % 3 == 0:
            rc.append("RPFD:<other%d@example.net>" % i)
        status = "MDeferred: Connection refused by mx%d.example.org\n" % (i % 50) if i % 4 == 0 else ""
        qf = ("V8\nT%d\nK%d\nN%d\nP%d\n%sF\n$_root@localhost\nS<sender%d@example.com>\n%s\n"
              "H??Subject: message %d\n.\n") % (t0 + i, t0 + i if status else 0, 1 if status else 0,
                                                30000 + len(body) + 90000 * (i % 3), status, i,
                                                "\n".join(rc), i)
        with open(os.path.join(q, "df" + qid), "wb") as f:
            f.write(body)
        with open(os.path.join(q, "qf" + qid), "w") as f:
            f.write(qf)


def timed(cmd, repeats):
    best = None
    for _ in range(repeats):
        t = time.monotonic()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        d = time.monotonic() - t
        best = d if best is None or d < best else best
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100000)
    ap.add_argument("-r", type=int, default=3)
    ap.add_argument("--keep", help="make (or reuse) the queue in this directory")
    a = ap.parse_args()
    ours = os.environ.get("SENDMAIL", os.path.join(TOP, "build", "bin", "sendmail"))
    if not os.access(ours, os.X_OK):
        sys.exit("build first: ./Build")
    subprocess.run([os.path.join(ORACLE, "refsendmail-setup")], stdout=subprocess.DEVNULL, check=True)
    work = a.keep or tempfile.mkdtemp(prefix="mailq_rate.")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o700)
    q = os.path.join(work, "mq")
    try:
        if not os.path.isdir(q) or len([x for x in os.listdir(q) if x.startswith("qf")]) != a.n:
            shutil.rmtree(q, ignore_errors=True)
            t = time.monotonic()
            make_queue(q, a.n)
            print("queue of %d messages written in %.1f s" % (a.n, time.monotonic() - t))
        with open(os.path.join(work, "aliases"), "w") as f:
            f.write("postmaster: root\n")
        with open(os.path.join(work, "t.mc"), "w") as f:
            f.write(MC % {"q": q, "w": work})
        cf = os.path.join(work, "t.cf")
        with open(cf, "wb") as f:
            f.write(subprocess.run([os.path.join(ORACLE, "refcf"), os.path.join(work, "t.mc")],
                                   stdout=subprocess.PIPE, check=True).stdout)
        wh = os.path.join(ORACLE, "withhost")
        ref = [wh, os.path.join(ORACLE, "refsendmail"), "-C", cf, "-OQueueLA=100000", "-bp"]
        our = [wh, ours, "-C", cf, "-OQueueLA=100000", "-bp"]
        subprocess.run(ref[:-1] + ["-bi"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ro = subprocess.run(ref, stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout
        ro = b"".join(l for l in ro.splitlines(True) if not l.startswith(b"WARNING: cannot open alias"))
        oo = subprocess.run(our, stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout
        same = "yes" if ro == oo else "no"
        tr = timed(ref, a.r)
        to = timed(our, a.r)
        print("RESULT mailq messages=%d sendmail=%.2fs ours=%.2fs ratio=%.1f same_output=%s"
              % (a.n, tr, to, tr / to if to > 0 else 0, same))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
