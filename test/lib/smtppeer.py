"""smtppeer: runs an SMTP daemon -- the real sendmail 8.17 (through
../shared/oracle) or ours ($SENDMAIL) -- on a 127.0.0.1 high port with
everything in a private directory, and talks to it over TCP.

Used by t_smtp_daemon_diff, t_smtp_relay, t_smtp_peers and
bench/smtp_rate.py.  One Daemon object owns one run directory
(DIR/{ref,our}: the .mc, the .cf its cf tree built, the maps its makemap
built, the queue) and the daemon process, which it stops by PID.

Both daemons get the same .mc (only the run directory differs), built by
each side's cf tree: refcf for sendmail 8.17, m4 with _CF_ROOT_=$TOP/cf for
ours; the access map is built from the same text by each side's makemap.
Both run under withhost so that both see the host name mail.example.com.
Our daemon's sessions run as DefaultUser (uid 1), so our queue belongs to
that user.
"""
import os
import re
import shutil
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("TOP") or os.path.dirname(os.path.dirname(HERE))
ORACLE = os.environ.get("ORACLE", os.path.join(os.path.dirname(TOP), "shared", "oracle"))
HOSTNAME = "mail.example.com"
SESSION_UID = 1          # DefaultUser: who our daemon's sessions run as
NOT_YET = "is not available yet"


def oracle(script):
    return os.path.join(ORACLE, script)


def have_oracle():
    return os.access(oracle("refsendmail"), os.X_OK)


def our_sendmail():
    return os.environ.get("SENDMAIL", os.path.join(TOP, "build", "san", "bin", "sendmail"))


def our_makemap():
    m = os.environ.get("MAKEMAP")
    if m:
        return m
    return os.path.join(os.path.dirname(our_sendmail()), "makemap")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# The files every run directory gets (the .mc names them).
HOSTS = """127.0.0.1\tlocalhost
127.0.0.2\toutside.example.net
192.0.2.10\tmail.example.com mail
203.0.113.7\tfriend.example
203.0.113.8\trelay.example
203.0.113.9\tsender.example
203.0.113.10\tspam.example
"""
ACCESS = """Connect:127.0.0.1\tRELAY
From:spammer@spam.example\tREJECT
From:spam.example\tREJECT
From:later.example\tERROR:4.7.1:451 Try later
To:friend.example\tRELAY
To:blocked@mail.example.com\tREJECT
To:badlocal@\tERROR:550 Mailbox disabled
To:user@fullrelay.example\tRELAY
untaggedrelay.example\tRELAY
"""
# and "filebox: DIR/mbox/filebox", a file delivery (DIR/mbox is 1777: the
# delivery runs as DefaultUser)
ALIASES = """postmaster: root
MAILER-DAEMON: postmaster
user: root
list: root, nobody
"""
CW = "mail.example.com\nexample.com\nalias.example.com\n"
RELAY_DOMAINS = "relay.example\n192.0.2.128\n"

MC = """divert(-1)
# written by test/lib/smtppeer.py
divert(0)dnl
include(_CF_ROOT_`/m4/cf.m4')dnl
OSTYPE(`linux')dnl
define(`confDOMAIN_NAME', `mail.example.com')dnl
define(`QUEUE_DIR', `{d}/q')dnl
define(`ALIAS_FILE', `{d}/aliases')dnl
define(`HELP_FILE', `{d}/helpfile')dnl
define(`STATUS_FILE', `{d}/statistics')dnl
define(`confPID_FILE', `{d}/pid')dnl
define(`confHOSTS_FILE', `{d}/hosts')dnl
define(`confSERVICE_SWITCH_FILE', `{d}/switch')dnl
define(`confCW_FILE', `{d}/cw')dnl
define(`confCR_FILE', `{d}/relay-domains')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`confDONT_BLAME_SENDMAIL', `TrustStickyBit')dnl
define(`confDELIVERY_MODE', `queueonly')dnl
define(`confQUEUE_LA', `1000')dnl
define(`confREFUSE_LA', `1000')dnl
define(`confDELAY_LA', `0')dnl
define(`confTO_IDENT', `0s')dnl
define(`confMAX_MESSAGE_SIZE', `200000')dnl
define(`confMAX_RCPTS_PER_MESSAGE', `12')dnl
define(`confPRIVACY_FLAGS', `{privacy}')dnl
define(`confAUTH_MECHANISMS', `EXTERNAL')dnl
FEATURE(`use_cw_file')dnl
FEATURE(`no_default_msa')dnl
FEATURE(`access_db', `hash -T<TMPF> -o {d}/access')dnl
FEATURE(`blocklist_recipients')dnl
RELAY_DOMAIN(`relay2.example')dnl
DAEMON_OPTIONS(`Port={port}, Addr=127.0.0.1, Name=MTA, Listen=1024')dnl
{extra}MAILER(`local')dnl
MAILER(`smtp')dnl
"""


def exit_on_signals():
    """SIGTERM, SIGINT and SIGHUP end the test through SystemExit, so that
    its finally clauses stop the daemons it started."""
    import signal

    def bye(signo, frame):
        raise SystemExit(128 + signo)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, bye)


class Unavailable(Exception):
    """The side cannot run here (no oracle, or our -bd not there yet)."""


class Daemon:
    """One daemon: side is "ref" (sendmail 8.17) or "our"."""

    def __init__(self, side, base, port=None, extra="", privacy="authwarnings", access="",
                 tail="", env=None):
        """extra: .mc lines before the MAILER lines; tail: after them
        (LOCAL_RULESETS); access: more access map lines; env: more
        environment for the daemon (the ref's syslog shim)."""
        self.side = side
        self.dir = os.path.join(base, side)
        self.port = port or free_port()
        self.extra = extra
        self.privacy = privacy
        self.access = access
        self.tail = tail
        self.env = env or {}
        self.proc = None
        self.log = os.path.join(self.dir, "daemon.out")
        self.qdir = os.path.join(self.dir, "q")
        self.cf = os.path.join(self.dir, "sendmail.cf")
        self.syslog = os.path.join(self.dir, "syslog")

    # --- set-up -------------------------------------------------------
    def _write(self, name, text, mode=0o644):
        p = os.path.join(self.dir, name)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, mode)
        return p

    def _run(self, argv, stdin=None, timeout=120):
        env = dict(os.environ, REFSENDMAIL_HOSTNAME=HOSTNAME)
        p = subprocess.run(argv, stdin=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout, env=env)
        return p.returncode, p.stdout.decode("latin-1")

    def setup(self):
        """Writes the run directory, builds the cf, the maps, the aliases."""
        if self.side == "ref" and not have_oracle():
            raise Unavailable("no ../shared/oracle")
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.qdir)
        os.chmod(self.dir, 0o755)
        os.chmod(self.qdir, 0o700)
        if self.side == "our":
            os.chown(self.qdir, SESSION_UID, SESSION_UID)
        self._write("hosts", HOSTS)
        self._write("switch", "hosts files\naliases files\n")
        self._write("cw", CW)
        self._write("relay-domains", RELAY_DOMAINS)
        mbox = os.path.join(self.dir, "mbox")
        os.makedirs(mbox)
        os.chmod(mbox, 0o1777)
        self._write("aliases", ALIASES + "filebox: %s/filebox\n" % mbox)
        self._write("access.txt", ACCESS + self.access)
        mc = self._write("sendmail.mc", MC.format(
            d=self.dir, port=self.port, extra=self.extra, privacy=self.privacy) + self.tail)
        if self.side == "ref":
            argv = [oracle("refcf"), mc]
        else:
            argv = ["m4", "-D_CF_ROOT_=" + os.path.join(TOP, "cf"), mc]
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("%s cf: %s" % (self.side, p.stderr.decode()))
        with open(self.cf, "wb") as f:
            f.write(p.stdout)
        os.chmod(self.cf, 0o644)
        mk = [oracle("refmakemap")] if self.side == "ref" else [our_makemap(), "-C", "/dev/null"]
        with open(os.path.join(self.dir, "access.txt"), "rb") as f:
            rc, out = self._run(mk + ["hash", os.path.join(self.dir, "access")], stdin=f)
        if rc != 0:
            raise RuntimeError("%s makemap: %s" % (self.side, out))
        rc, out = self._run(self.argv("-bi"))
        if rc != 0:
            raise RuntimeError("%s -bi: %s" % (self.side, out))
        for n in os.listdir(self.dir):
            p = os.path.join(self.dir, n)
            if os.path.isfile(p):
                os.chmod(p, 0o644)
        if self.side == "our":
            # written by the sessions too, which do not run as root
            open(self.syslog, "a").close()
            os.chmod(self.syslog, 0o666)

    def argv(self, *args):
        if self.side == "ref":
            return [oracle("refsendmail"), "-C", self.cf] + list(args)
        # -D: our log lines go to a file (sendmail 8.17 has only syslog)
        return [oracle("withhost"), our_sendmail(), "-C", self.cf, "-D", self.syslog] + list(args)

    def log_tail(self, n=10):
        """The last N lines our daemon and its sessions logged."""
        try:
            with open(self.syslog, errors="replace") as f:
                return ["log: " + l.rstrip("\n") for l in f.readlines()[-n:]]
        except OSError:
            return []

    # --- the process --------------------------------------------------
    def start(self, timeout=30):
        """Starts the daemon in the foreground (-bD) and waits for its 220."""
        env = dict(os.environ, REFSENDMAIL_HOSTNAME=HOSTNAME, **self.env)
        if self.side == "our":
            # sanitizer reports of the daemon and of its sessions (which
            # run as another user and may have lost stderr) go to files
            san = os.path.join(self.dir, "san")
            os.makedirs(san, exist_ok=True)
            os.chmod(san, 0o1777)
            for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
                env[var] = ":".join(o for o in (os.environ.get(var), "log_path=" + san + "/" + var[:-8].lower()) if o)
        out = open(self.log, "wb")
        self.proc = subprocess.Popen(self.argv("-bD"), stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=subprocess.STDOUT, env=env,
                                     cwd=self.dir)
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                with open(self.log, "r", errors="replace") as f:
                    text = f.read()
                self.proc = None
                if NOT_YET in text or "mode -bD" in text or "mode -bd" in text:
                    raise Unavailable(text.strip())
                raise RuntimeError("%s daemon exited: %s" % (self.side, text.strip()))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                    s.settimeout(5)
                    if s.recv(4).startswith(b"220"):
                        s.sendall(b"QUIT\r\n")
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("%s daemon: no 220 on port %d" % (self.side, self.port))

    def sanitizer_reports(self):
        """The sanitizer reports our daemon and its sessions wrote (a list
        of texts; empty when clean or not ours)."""
        san = os.path.join(self.dir, "san")
        res = []
        if os.path.isdir(san):
            for n in sorted(os.listdir(san)):
                with open(os.path.join(san, n), errors="replace") as f:
                    res.append(n + ": " + f.read())
        try:
            with open(self.log, errors="replace") as f:
                text = f.read()
            if re.search(r"AddressSanitizer|LeakSanitizer|runtime error:", text):
                res.append("daemon output: " + text)
        except OSError:
            pass
        return res

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    # --- the queue ----------------------------------------------------
    def qfiles(self, prefix="qf"):
        return sorted(n for n in os.listdir(self.qdir) if n.startswith(prefix))

    def clear_queue(self):
        for n in os.listdir(self.qdir):
            p = os.path.join(self.qdir, n)
            if os.path.isfile(p):
                os.unlink(p)

    def read_queue_one(self, qf):
        """(qf text, df bytes or None) of the message whose qf file is QF."""
        with open(os.path.join(self.qdir, qf), "rb") as f:
            q = f.read().decode("latin-1")
        try:
            with open(os.path.join(self.qdir, "df" + qf[2:]), "rb") as f:
                d = f.read()
        except OSError:
            d = None
        return q, d

    def read_queue(self):
        """[(qf text, df bytes)] for every message in the queue."""
        return [self.read_queue_one(qf) for qf in self.qfiles()]


def qf_recipients(qf):
    return [l[2:].split(":", 1)[-1] for l in qf.splitlines() if l.startswith("R")]


def qf_envelope(qf):
    """The sender, recipient and header lines of a qf file (continuation
    lines joined), masked, as one text: what two implementations queuing
    the same message should agree on."""
    keep = []
    for line in qf.splitlines():
        if line[:1] in ("\t", " ") and keep and keep[-1][:1] == "H":
            keep[-1] += "\n" + line
        elif line[:1] in ("S", "R", "H"):
            keep.append(line)
    return "\n".join(mask(l) for l in keep)


def qf_header(qf, name):
    """The value of the first header NAME in a qf file (continuations joined)."""
    val = None
    for line in qf.splitlines():
        if val is not None:
            if line.startswith(("\t", " ")):
                val += line
                continue
            return val
        m = re.match(r"H(\?[^?]*\?)?([^:]+):\s?(.*)$", line)
        if m and m.group(2).lower() == name.lower():
            val = m.group(3)
    return val


# --- talking SMTP -----------------------------------------------------
class Client:
    """One SMTP connection from SRC (a loopback address) to the daemon."""

    def __init__(self, port, src="127.0.0.1", timeout=15):
        self.sock = socket.socket()
        self.sock.settimeout(timeout)
        self.sock.bind((src, 0))
        self.sock.connect(("127.0.0.1", port))
        self.buf = b""

    def reply(self):
        """One (possibly multi-line) reply as a list of lines; [] at EOF."""
        lines = []
        while True:
            while b"\n" not in self.buf:
                try:
                    d = self.sock.recv(65536)
                except socket.timeout:
                    lines.append("(timeout)")
                    return lines
                except OSError:
                    d = b""
                if not d:
                    if self.buf:
                        lines.append(self.buf.decode("latin-1"))
                        self.buf = b""
                    return lines
                self.buf += d
            line, self.buf = self.buf.split(b"\n", 1)
            line = line.rstrip(b"\r").decode("latin-1")
            lines.append(line)
            if len(line) < 4 or line[3] != "-":
                return lines

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def close(self):
        self.sock.close()


def unescape(s):
    return s.encode("latin-1").decode("unicode_escape").encode("latin-1")


def expand(step):
    """{N*TEXT} in a step stands for TEXT N times (TEXT without braces)."""
    return re.sub(r"\{([0-9]+)\*([^{}]*)\}", lambda m: m.group(2) * int(m.group(1)), step)


def run_script(port, script, src="127.0.0.1"):
    """Runs a scripted session; returns the transcript as a list of lines
    ("<<< reply" and ">>> sent").  SCRIPT is text, a step a line:
        LINE        sends LINE CRLF and reads one reply
        =N TEXT     sends TEXT (\\r \\n \\xHH escapes, nothing added), reads N replies
        #...        a comment
    {N*TEXT} anywhere stands for TEXT repeated N times.
    ^TEXT as the first step is sent (escapes as for =N) before the
    greeting is read.
    While DATA is open (after a 354) lines are sent without waiting, and
    the line "." reads one reply.  After the last step the connection is
    read to its end (bounded)."""
    out = []
    c = Client(port, src)
    try:
        steps = script.splitlines()
        # "^TEXT" first: sent before the greeting is read (an early talker)
        if steps and steps[0].startswith("^"):
            out.append(">>> " + steps[0][1:])
            c.send(unescape(expand(steps[0][1:])))
            steps = steps[1:]
        out += ["<<< " + l for l in c.reply()]
        in_data = False
        for step in steps:
            if not in_data and (step.startswith("#") or step == ""):
                continue
            step = expand(step)
            if step.startswith("=") and " " in step:
                n, text = step[1:].split(" ", 1)
                out.append(">>> " + text)
                c.send(unescape(text))
                in_data = False
                for _ in range(int(n)):
                    r = c.reply()
                    out += ["<<< " + l for l in r]
                    in_data = bool(r) and r[-1].startswith("354")
                    if not r:
                        break
                if not r:
                    out.append("<<< (closed)")
                    break
                continue
            out.append(">>> " + step)
            c.send(step + "\r\n")
            if in_data and step != ".":
                continue
            in_data = False
            r = c.reply()
            out += ["<<< " + l for l in r]
            if not r:
                out.append("<<< (closed)")
                break
            if r[-1].startswith("354"):
                in_data = True
        c.sock.settimeout(3)
        rest = c.reply()
        while rest and rest != ["(timeout)"]:
            out += ["<<< " + l for l in rest]
            rest = c.reply()
    except OSError as e:
        out.append("<<< (error %s)" % e)
    finally:
        c.close()
    return out


DATE = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [ 0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} ([-+][0-9]{4}|GMT)"


def mask(line):
    """Takes out what differs between runs and implementations: dates,
    queue IDs, the version in the greeting, client ports."""
    line = re.sub(DATE, "DATE", line)
    line = re.sub(r"\b[0-9A-Za-z]{8}[0-9]{6}\b", "QID", line)
    line = re.sub(r"^(<<< 220 \S+ ESMTP) .*", r"\1 BANNER", line)
    line = re.sub(r"^(<<< 502 5\.3\.0 Sendmail) \S+ (-- HELP)", r"\1 VERSION \2", line)
    line = re.sub(r"\(8\.17\.[0-9.]+/8\.17\.[0-9.]+\)", "(VERSION)", line)
    line = re.sub(r"\bid [0-9A-Za-z]{8}[0-9]{6}\b", "id QID", line)
    line = re.sub(r"<[0-9]{12}\.QID@", "<MSGID@", line)
    line = re.sub(r"\[127\.0\.0\.([12])\] \(may be forged\)", r"[127.0.0.\1] (may be forged)", line)
    return line


def codes(transcript):
    """The reply code and enhanced code of every reply (of its last line:
    the lines of a multi-line reply, such as EHLO's keywords, are left to
    the comparison of texts)."""
    res = []
    for l in transcript:
        if not l.startswith("<<< ") or l[7:8] == "-":
            continue
        m = re.match(r"<<< ([0-9]{3})[ -]([245]\.[0-9]{1,3}\.[0-9]{1,3})?", l)
        res.append("%s %s" % (m.group(1), m.group(2) or "") if m else l[4:])
    return res
