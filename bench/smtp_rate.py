#!/usr/bin/env python3
"""smtp_rate.py: messages per second accepted into the queue over SMTP,
our daemon against the real sendmail 8.17 daemon and Postfix 3.7, with
the same load from Postfix's smtp-source.

    python3 bench/smtp_rate.py [-m MSGS] [-s CLIENTS] [-l BYTES] [-r REPEATS]
                               [--sides our,ref,postfix]

Needs root.  Ours (build/bin/sendmail, or $SENDMAIL) and sendmail 8.17
(../shared/oracle) run as daemons (-bD) with the configuration of
test/lib/smtppeer.py built by each one's cf tree: DeliveryMode queueonly,
so an accepted message stays in the queue, access_db, a hosts file instead
of DNS, Listen=1024.  Postfix runs through ../shared/bench/peers.sh in its
"hold" mode (every accepted message goes to the hold queue), with its run
directory in a private temp dir.  The load: smtp-source with CLIENTS
parallel clients (default 20), one connection per message, MSGS messages
(default 1000) of BYTES bytes (default 5120), one recipient each.  A side
is timed from the start of smtp-source to its exit; then the queue is
counted (qf files, or Postfix's hold queue) so that a message that was
answered 250 but not kept would show.  Every side starts with an empty
queue.  Prints one RESULT line per side and run, and the best per side.
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
os.environ.setdefault("SENDMAIL", os.path.join(TOP, "build", "bin", "sendmail"))
os.environ.setdefault("MAKEMAP", os.path.join(TOP, "build", "bin", "makemap"))
os.environ.setdefault("TOP", TOP)
sys.path.insert(0, os.path.join(TOP, "test", "lib"))
import smtppeer as sp  # noqa: E402

BENCH = os.path.join(os.path.dirname(TOP), "shared", "bench")
PEERS = os.path.join(BENCH, "peers.sh")
CACHE = os.environ.get("MTA_PEERS_CACHE", "/var/cache/mta-peers")
SOURCE = os.path.join(CACHE, "postfix", "usr", "sbin", "smtp-source")
SOURCE_LIB = os.path.join(CACHE, "postfix", "usr", "lib", "postfix")


def load(port, args, rcpt, sender):
    t0 = time.monotonic()
    p = subprocess.run([SOURCE, "-s", str(args.s), "-m", str(args.m), "-l", str(args.l),
                        "-f", sender, "-t", rcpt, "-M", "client.example.org",
                        "127.0.0.1:%d" % port],
                       env=dict(os.environ, LD_LIBRARY_PATH=SOURCE_LIB),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1800)
    secs = time.monotonic() - t0
    if p.returncode != 0:
        print("smtp_rate: smtp-source exited %d: %s" % (p.returncode, p.stdout.decode()[-300:]),
              file=sys.stderr)
    return secs, p.returncode == 0


def count_settled(count):
    """The count once it stops changing (at most 10 s)."""
    last, n = -1, count()
    deadline = time.monotonic() + 10
    while n != last and time.monotonic() < deadline:
        time.sleep(0.5)
        last, n = n, count()
    return n


def run_sendmail(side, args, base):
    d = sp.Daemon(side, base)
    d.setup()
    d.start()
    try:
        secs, ok = load(d.port, args, "root@mail.example.com", "root@mail.example.com")
        queued = count_settled(lambda: len(d.qfiles()))
    finally:
        d.stop()
    return secs, ok, queued


def run_postfix(args, base):
    run = os.path.join(base, "mta-bench")
    env = dict(os.environ, MTA_BENCH_RUN=run)
    port = sp.free_port()
    subprocess.run([PEERS, "start", "postfix", "hold", str(port)], env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=300)
    hold = os.path.join(run, "postfix", "spool", "hold")

    def count():
        return sum(len(f) for _, _, f in os.walk(hold))
    try:
        secs, ok = load(port, args, "user@bench.test", "load@bench.test")
        queued = count_settled(count)
    finally:
        subprocess.run([PEERS, "stop", "postfix"], env=env, stdout=subprocess.DEVNULL, timeout=120)
    return secs, ok, queued


NAMES = {"our": "ours", "ref": "sendmail-8.17", "postfix": "postfix-3.7"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-m", type=int, default=1000)
    ap.add_argument("-s", type=int, default=20)
    ap.add_argument("-l", type=int, default=5120)
    ap.add_argument("-r", type=int, default=1)
    ap.add_argument("--sides", default="our,ref,postfix")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("smtp_rate: needs root")
    if not os.access(SOURCE, os.X_OK):
        subprocess.run([PEERS, "fetch", "postfix"], check=True)
    best = {}
    base = tempfile.mkdtemp(prefix="smtprate.")
    os.chmod(base, 0o755)
    try:
        for rep in range(args.r):
            for side in args.sides.split(","):
                sdir = os.path.join(base, "%s.%d" % (side, rep))
                os.makedirs(sdir)
                try:
                    if side == "postfix":
                        secs, ok, queued = run_postfix(args, sdir)
                    else:
                        secs, ok, queued = run_sendmail(side, args, sdir)
                except (sp.Unavailable, RuntimeError, subprocess.SubprocessError) as e:
                    print("RESULT name=%s status=unavailable (%s)" % (NAMES[side], str(e).splitlines()[-1]))
                    continue
                rate = args.m / secs if secs > 0 else 0
                status = "ok" if ok and queued == args.m else "fail"
                print("RESULT name=%s clients=%d msgs=%d bytes=%d queued=%d secs=%.2f msgs_per_s=%.1f status=%s"
                      % (NAMES[side], args.s, args.m, args.l, queued, secs, rate, status))
                sys.stdout.flush()
                if status == "ok":
                    best[side] = max(best.get(side, 0), rate)
                shutil.rmtree(sdir, ignore_errors=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print("best: " + ", ".join("%s %.1f/s" % (NAMES[s], r) for s, r in best.items()))


main()
