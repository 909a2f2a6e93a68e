#!/usr/bin/env python3
"""smtp_rate.py: messages per second over SMTP, our daemon against the real
sendmail 8.17, Postfix 3.7, Exim 4.96 and OpenSMTPD 6.8, with the same load
from Postfix's smtp-source, in one run; also the machine's own limits
(../shared/bench/fsync-limit.sh).

    python3 bench/smtp_rate.py [-m MSGS] [-s CLIENTS] [-l BYTES] [-r REPEATS]
                               [--sides our,ref,postfix,exim,opensmtpd]
                               [--modes hold,relay] [--no-limits]

Needs root.  Two modes:

hold   accept into the queue: ours (build/bin/sendmail, or $SENDMAIL) and
       sendmail 8.17 (../shared/oracle) run as daemons (-bD) with the
       configuration of test/lib/smtppeer.py built by each one's cf tree
       (DeliveryMode queueonly, access_db, a hosts file, Listen=1024);
       Postfix, Exim and OpenSMTPD through ../shared/bench/peers.sh in its
       "hold" mode.  After the load the queue is counted (qf files,
       Postfix's hold queue, Exim's -H files, OpenSMTPD's message files),
       so that a message answered 250 but not kept would show.
relay  end to end: the same load relayed to an smtp-sink
       (../shared/bench/smtp-load.sh -S), timed until the sink has seen
       every message.  Ours and 8.17: the same .mc plus
       accept_unresolvable_domains, SMART_HOST(esmtp:[127.0.0.1]) with the
       sink's port in ESMTP_MAILER_ARGS and DeliveryMode background (each
       accepted message delivered at once); the peers in peers.sh's
       "relay" mode.

The load (smtp-load.sh): smtp-source with CLIENTS parallel clients
(default 20), one connection per message, MSGS messages (default 1000) of
BYTES bytes (default 5120), one recipient each, load@bench.test to
user@bench.test.  Every side starts fresh with an empty queue.  Prints
one RESULT line per side, mode and run, then the best rate of each.
"""
import argparse
import os
import re
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
LOAD = os.path.join(BENCH, "smtp-load.sh")
LIMITS = os.path.join(BENCH, "fsync-limit.sh")

NAMES = {"our": "ours", "ref": "sendmail-8.17", "postfix": "postfix-3.7", "exim": "exim-4.96",
         "opensmtpd": "opensmtpd-6.8"}
PEER_NAMES = {"postfix": "postfix", "exim": "exim", "opensmtpd": "opensmtpd"}

RELAY_MC = """FEATURE(`accept_unresolvable_domains')dnl
define(`SMART_HOST', `esmtp:[127.0.0.1]')dnl
define(`ESMTP_MAILER_ARGS', `TCP $h {sink}')dnl
define(`confDELIVERY_MODE', `background')dnl
"""
HOLD_MC = "FEATURE(`accept_unresolvable_domains')dnl\n"


def load(port, args, env, sink=None):
    """Runs smtp-load.sh; returns (secs, accepted, delivered_secs, ok)."""
    argv = [LOAD, "-n", str(port), "-s", str(args.s), "-m", str(args.m), "-l", str(args.l),
            "-T", "900"]
    if sink:
        argv += ["-S", str(sink)]
    p = subprocess.run(argv + ["127.0.0.1:%d" % port], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=1000)
    text = p.stdout.decode()
    line = next((l for l in text.splitlines() if l.startswith("RESULT ")), "")
    f = dict(w.split("=", 1) for w in line.split()[1:] if "=" in w)
    if "secs" not in f:
        print("smtp_rate: smtp-load.sh: %s" % (text + p.stderr.decode())[-400:], file=sys.stderr)
        return 0.0, 0, 0.0, False
    ok = f.get("status") == "ok"
    if not ok:
        print("smtp_rate: smtp-load.sh: %s" % p.stderr.decode()[-400:], file=sys.stderr)
    return float(f["secs"]), int(f["msgs"]), float(f.get("delivered_secs", 0)), ok


def count_settled(count):
    """The count once it stops changing (at most 10 s)."""
    last, n = -1, count()
    deadline = time.monotonic() + 10
    while n != last and time.monotonic() < deadline:
        time.sleep(0.5)
        last, n = n, count()
    return n


def files_under(top, pred):
    return sum(1 for _, _, fs in os.walk(top) for f in fs if pred(f))


def run_sendmail(side, mode, args, base, env):
    sink = sp.free_port() if mode == "relay" else None
    extra = RELAY_MC.format(sink=sink) if sink else HOLD_MC
    d = sp.Daemon(side, base, extra=extra)
    d.setup()
    d.start()
    try:
        res = load(d.port, args, env, sink)
        queued = None if sink else count_settled(lambda: len(d.qfiles()))
    finally:
        d.stop()
    return res, queued


def peer_queue(side, run):
    if side == "postfix":
        return files_under(os.path.join(run, "postfix", "spool", "hold"), lambda f: True)
    if side == "exim":
        return files_under(os.path.join(run, "exim", "spool", "input"), lambda f: f.endswith("-H"))
    return files_under(os.path.join(run, "opensmtpd", "var-spool", "smtpd", "queue"),
                       lambda f: f == "message")


def run_peer(side, mode, args, base, env):
    port = sp.free_port()
    sink = sp.free_port() if mode == "relay" else None
    run = env["MTA_BENCH_RUN"]
    argv = [PEERS, "start", PEER_NAMES[side], mode, str(port)] + ([str(sink)] if sink else [])
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, timeout=300)
    try:
        res = load(port, args, env, sink)
        queued = None if sink else count_settled(lambda: peer_queue(side, run))
    finally:
        subprocess.run([PEERS, "stop", PEER_NAMES[side]], env=env, stdout=subprocess.DEVNULL,
                       timeout=120)
    return res, queued


def machine_limits(base, env):
    """fsync-limit.sh's RESULT lines for the file system the queues are on."""
    p = subprocess.run([LIMITS, "-t", "2", os.path.join(base, "fsync")], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    for line in p.stdout.decode().splitlines():
        if line.startswith("RESULT"):
            print("LIMIT " + line[len("RESULT "):])
    sys.stdout.flush()


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-m", type=int, default=1000)
    ap.add_argument("-s", type=int, default=20)
    ap.add_argument("-l", type=int, default=5120)
    ap.add_argument("-r", type=int, default=1)
    ap.add_argument("--sides", default="our,ref,postfix,exim,opensmtpd")
    ap.add_argument("--modes", default="hold,relay")
    ap.add_argument("--no-limits", action="store_true")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("smtp_rate: needs root")
    best = {}
    base = tempfile.mkdtemp(prefix="smtprate.")
    os.chmod(base, 0o755)
    env = dict(os.environ, MTA_BENCH_RUN=os.path.join(base, "mta-bench"))
    print("date %s, load average %s" % (time.strftime("%Y-%m-%d %H:%M"), loadavg()))
    try:
        if not args.no_limits:
            machine_limits(base, env)
        for rep in range(args.r):
            for mode in args.modes.split(","):
                for side in args.sides.split(","):
                    sdir = os.path.join(base, "%s.%s.%d" % (side, mode, rep))
                    os.makedirs(sdir)
                    try:
                        if side in PEER_NAMES:
                            res, queued = run_peer(side, mode, args, sdir, env)
                        else:
                            res, queued = run_sendmail(side, mode, args, sdir, env)
                    except (sp.Unavailable, RuntimeError, subprocess.SubprocessError) as e:
                        print("RESULT name=%s mode=%s status=unavailable (%s)"
                              % (NAMES[side], mode, (str(e).splitlines() or ["?"])[-1]))
                        continue
                    secs, accepted, dsecs, ok = res
                    rate = accepted / secs if secs > 0 else 0
                    line = "RESULT name=%s mode=%s clients=%d msgs=%d bytes=%d accepted=%d secs=%.2f msgs_per_s=%.1f" % (
                        NAMES[side], mode, args.s, args.m, args.l, accepted, secs, rate)
                    if mode == "relay":
                        rate = accepted / dsecs if dsecs > 0 else 0
                        line += " delivered_secs=%.2f delivered_per_s=%.1f" % (dsecs, rate)
                    else:
                        line += " queued=%d" % queued
                        ok = ok and queued == args.m
                    ok = ok and accepted == args.m
                    print("%s status=%s load=%s" % (line, "ok" if ok else "fail", loadavg()))
                    sys.stdout.flush()
                    if ok:
                        best[(side, mode)] = max(best.get((side, mode), 0), rate)
                    shutil.rmtree(sdir, ignore_errors=True)
    finally:
        subprocess.run([PEERS, "stopall"], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=300)
        shutil.rmtree(base, ignore_errors=True)
    for mode in args.modes.split(","):
        print("best %s: " % mode + ", ".join(
            "%s %.1f/s" % (NAMES[s], r) for (s, md), r in best.items() if md == mode))


main()
