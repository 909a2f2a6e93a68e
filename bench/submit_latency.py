#!/usr/bin/env python3
"""submit_latency.py: how long `sendmail -t -odq` takes to put a 5 KB
message into the queue, ours against the real sendmail 8.17.

    python3 bench/submit_latency.py [-n SUBMISSIONS] [--size BYTES] [--bin DIR]

Needs root: the script re-runs itself under `unshare -m -u` with the host
name mail.example.com, listed in a private /etc/hosts (sendmail 8.17 waits
a minute at start-up when it cannot qualify the host name, and looks it up
at every start: through DNS, several seconds now and then on our machine,
without the entry).  Both sides use one configuration built with
the real cf tree (QueueLA high, nocanonify, an empty alias file), each
with its own queue directory in the same file system.  Submissions
alternate between the two programs so that both see the same load; each
one is timed from the start of the process to its exit, with the message
(To:, From:, Subject: and a body of BYTES in all, default 5120) written to
its standard input.  Prints the median and the 90th percentile of each in
milliseconds and one RESULT line (ratio = sendmail's median / ours).
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
HOST = "mail.example.com"

MC = """divert(-1)
divert(0)dnl
include(_CF_ROOT_`/m4/cf.m4')dnl
OSTYPE(`linux')dnl
define(`confDOMAIN_NAME', `%(host)s')dnl
define(`QUEUE_DIR', `%(q)s')dnl
define(`ALIAS_FILE', `%(w)s/aliases')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`confDONT_BLAME_SENDMAIL', `TrustStickyBit')dnl
define(`confQUEUE_LA', `10000')dnl
define(`confREFUSE_LA', `10000')dnl
FEATURE(`nocanonify')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
"""


def private_hosts(w):
    """Names this host in a private /etc/hosts (we are in our own mount
    namespace): sendmail 8.17 looks up its host name at start-up, and
    without an entry each run waits for DNS (5 s when a query is lost)."""
    path = os.path.join(w, "hosts")
    with open("/etc/hosts") as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text + "\n127.0.0.1 %s\n::1 %s\n" % (HOST, HOST))
    subprocess.run(["mount", "--bind", path, "/etc/hosts"], check=True)


def message(i, size):
    head = ("To: root, daemon\nFrom: Sender <sender@example.org>\nSubject: latency %d\n"
            "Message-Id: <lat%d@example.org>\n\n" % (i, i))
    body = []
    n = len(head)
    k = 0
    while n < size:
        l = "line %04d of message %d %s" % (k, i, "0123456789" * 6)
        l = l[:max(1, min(len(l), size - n - 1))]
        body.append(l)
        n += len(l) + 1
        k += 1
    return (head + "\n".join(body) + "\n").encode()


def pct(v, p):
    v = sorted(v)
    k = (len(v) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def inner(a):
    subprocess.run(["hostname", HOST], check=True)
    w = tempfile.mkdtemp(prefix="sublat.", dir=os.environ.get("TMPDIR", "/tmp"))
    os.chmod(w, 0o700)
    try:
        open(os.path.join(w, "aliases"), "w").close()
        private_hosts(w)
        ref_bin = subprocess.run([os.path.join(ORACLE, "refpath"), "bin"], capture_output=True, text=True,
                                 check=True).stdout.strip()
        sides = {"sendmail": os.path.join(ref_bin, "sendmail"),
                 "ours": os.path.join(os.path.abspath(a.bin), "sendmail")}
        cfs = {}
        for name in sides:
            q = os.path.join(w, name, "q")
            os.makedirs(q, mode=0o700)
            mc = os.path.join(w, name, "t.mc")
            with open(mc, "w") as f:
                f.write(MC % {"host": HOST, "q": q, "w": w})
            cfs[name] = os.path.join(w, name, "t.cf")
            with open(cfs[name], "wb") as f:
                f.write(subprocess.run([os.path.join(ORACLE, "refcf"), mc], capture_output=True, check=True,
                                       timeout=120).stdout)
        times = {name: [] for name in sides}
        msgs = [message(i, a.size) for i in range(a.n + 5)]
        for i in range(a.n + 5):  # the first five of each are a warm-up
            order = list(sides) if i % 2 == 0 else list(reversed(list(sides)))
            for name in order:
                t0 = time.monotonic()
                r = subprocess.run([sides[name], "-C", cfs[name], "-t", "-odq"], input=msgs[i],
                                   capture_output=True, timeout=120)
                dt = time.monotonic() - t0
                if r.returncode != 0:
                    sys.exit("%s: exit %d: %s" % (name, r.returncode, (r.stdout + r.stderr)[:300]))
                if i >= 5:
                    times[name].append(dt * 1000)
        for name in sides:
            q = os.path.join(w, name, "q")
            n = sum(1 for f in os.listdir(q) if f.startswith("qf"))
            if n != a.n + 5:
                sys.exit("%s: %d qf files for %d submissions" % (name, n, a.n + 5))
            print("%-9s median %.1f ms  p90 %.1f ms  min %.1f ms  max %.1f ms"
                  % (name, pct(times[name], 0.5), pct(times[name], 0.9), min(times[name]), max(times[name])),
                  file=sys.stderr)
        rm, om = pct(times["sendmail"], 0.5), pct(times["ours"], 0.5)
        print("RESULT submit_latency submissions=%d size=%d sendmail_8.17_median=%.1fms sendmail_8.17_p90=%.1fms "
              "ours_median=%.1fms ours_p90=%.1fms ratio=%.2f"
              % (a.n, a.size, rm, pct(times["sendmail"], 0.9), om, pct(times["ours"], 0.9), rm / om))
    finally:
        shutil.rmtree(w, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=200)
    ap.add_argument("--size", type=int, default=5120)
    ap.add_argument("--bin", default=os.path.join(TOP, "build", "bin"), help="our binaries")
    a = ap.parse_args()
    if os.environ.get("SUBLAT_INNER") == "1":
        inner(a)
        return
    if os.geteuid() != 0:
        sys.exit("submit_latency.py: needs root (unshare -m -u for the host name and /etc/hosts)")
    r = subprocess.run(["unshare", "-m", "-u", "--propagation", "private", sys.executable, os.path.abspath(__file__)] + sys.argv[1:],
                       env=dict(os.environ, SUBLAT_INNER="1"), timeout=3600)
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
