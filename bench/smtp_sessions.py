#!/usr/bin/env python3
"""smtp_sessions.py: memory per idle SMTP session, our daemon against the
real sendmail 8.17 daemon and Postfix 3.7.

    python3 bench/smtp_sessions.py [-n SESSIONS] [--sides our,ref,postfix]

Needs root.  Each side's daemon is started (ours: build/bin/sendmail or
$SENDMAIL, and sendmail 8.17 from ../shared/oracle, both -bD with the
configuration of test/lib/smtppeer.py; Postfix through
../shared/bench/peers.sh, whose process limit of 100 allows 95
sessions: the memory of a session does not depend on how many there
are), then SESSIONS clients connect one after the other, each
reading the greeting, and stay idle (bounded: 10 s per connect and
greeting, three failures end the side, the whole run at most 15
minutes).  With every session open,
the memory of the session processes is summed from
/proc/PID/smaps_rollup: Pss (shared pages divided among the processes
that map them) and Private_Clean + Private_Dirty (pages only that process
has), and divided by the number of sessions; the accepting process is
reported apart.  Sessions are the children of the daemon (sendmail) or
the smtpd processes (Postfix).  Prints one RESULT line per side.
"""
import argparse
import os
import resource
import shutil
import socket
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
NAMES = {"our": "ours", "ref": "sendmail-8.17", "postfix": "postfix-3.7"}
DEADLINE = time.monotonic() + 15 * 60
ORIG_NOFILE = resource.getrlimit(resource.RLIMIT_NOFILE)
PFX_SESSIONS = 95  # below Postfix's default process limit (100)


def orig_limits():
    """Postfix started with our raised descriptor limit stops answering:
    its processes get the limit we were started with."""
    resource.setrlimit(resource.RLIMIT_NOFILE, ORIG_NOFILE)


def rollup(pid):
    """(pss, private) in KiB of one process, None when it is gone."""
    vals = {}
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0].endswith(":"):
                    vals[parts[0][:-1]] = int(parts[1]) if parts[1].isdigit() else 0
    except OSError:
        return None
    return vals.get("Pss", 0), vals.get("Private_Clean", 0) + vals.get("Private_Dirty", 0)


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def comm_pids(name):
    res = []
    for e in os.listdir("/proc"):
        if e.isdigit():
            try:
                with open("/proc/%s/comm" % e) as f:
                    if f.read().strip() == name:
                        res.append(int(e))
            except OSError:
                pass
    return res


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read()
    except OSError:
        return b""


def open_sessions(port, n):
    """Connects n clients one by one, each reading its greeting; the
    sockets (greeted ones only) and how many failed."""
    socks, failed = [], 0
    for _ in range(n):
        if time.monotonic() > DEADLINE or failed >= 3:
            break  # a server that stopped answering: no more waiting
        s = socket.socket()
        s.settimeout(10)
        try:
            s.connect(("127.0.0.1", port))
            if not s.recv(512).startswith(b"220"):
                raise OSError("no greeting")
            socks.append(s)
        except OSError:
            failed += 1
            s.close()
    return socks, failed


def measure(session_pids, daemon_pid):
    pss = priv = n = 0
    for p in session_pids:
        r = rollup(p)
        if r is not None:
            pss += r[0]
            priv += r[1]
            n += 1
    d = rollup(daemon_pid) if daemon_pid else None
    return n, pss, priv, d


def report(side, want, socks, failed, n, pss, priv, d):
    per = lambda v: v / n if n else 0  # noqa: E731
    print("RESULT name=%s sessions=%d greeted=%d failed=%d processes=%d pss_kib_per_session=%.0f "
          "private_kib_per_session=%.0f total_pss_mib=%.1f daemon_pss_kib=%s" %
          (NAMES[side], want, len(socks), failed, n, per(pss), per(priv), pss / 1024.0,
           d[0] if d else "-"))
    sys.stdout.flush()


def run_sendmail(side, n, base):
    d = sp.Daemon(side, base, extra="define(`confMAX_DAEMON_CHILDREN', `0')dnl\n"
                  "define(`confCONNECTION_RATE_THROTTLE', `0')dnl\n")
    d.setup()
    d.start()
    socks = []
    try:
        with open(os.path.join(d.dir, "pid")) as f:
            dpid = int(f.readline())
        time.sleep(1)  # the start-up probe's session ends
        socks, failed = open_sessions(d.port, n)
        time.sleep(1)
        kids = children(dpid)
        report(side, n, socks, failed, *measure(kids, dpid))
    finally:
        for s in socks:
            s.close()
        d.stop()


def run_postfix(n, base):
    run = os.path.join(base, "mta-bench")
    env = dict(os.environ, MTA_BENCH_RUN=run)
    port = sp.free_port()
    subprocess.run([PEERS, "start", "postfix", "hold", str(port)], env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=300, preexec_fn=orig_limits)
    socks = []
    try:
        # Postfix runs one smtpd per connection, at most default_process_limit
        # (100, peers.sh's configuration; raising it with a reload made the
        # master stop answering here): PFX_SESSIONS of them are measured
        n = min(n, PFX_SESSIONS)
        time.sleep(2)
        socks, failed = open_sessions(port, n)
        time.sleep(1)
        # this instance's smtpd processes: their service name has the port
        pids = [p for p in comm_pids("smtpd") if (":%d" % port).encode() in cmdline(p)]
        masters = [p for p in comm_pids("master") if run.encode() in cmdline(p)]
        report("postfix", n, socks, failed, *measure(pids, masters[0] if masters else None))
    finally:
        for s in socks:
            s.close()
        subprocess.run([PEERS, "stop", "postfix"], env=env, stdout=subprocess.DEVNULL, timeout=120)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--sides", default="our,ref,postfix")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("smtp_sessions: needs root")
    n = max(1, min(args.n, 20000))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, n + 256)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    base = tempfile.mkdtemp(prefix="smtpsess.", dir="/tmp")
    os.chmod(base, 0o755)
    try:
        for side in args.sides.split(","):
            sdir = os.path.join(base, side)
            os.makedirs(sdir)
            try:
                if side == "postfix":
                    run_postfix(n, sdir)
                else:
                    run_sendmail(side, n, sdir)
            except (sp.Unavailable, RuntimeError, subprocess.SubprocessError, OSError) as e:
                print("RESULT name=%s status=unavailable (%s)" % (NAMES[side], str(e).splitlines()[-1:]))
            shutil.rmtree(sdir, ignore_errors=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)


main()
