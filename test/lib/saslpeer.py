"""saslpeer: Cyrus SASL set-up for the AUTH tests, on top of smtppeer.

Cyrus SASL reads its configuration from /etc/sasl2/Sendmail.conf (the
application name "Sendmail", as sendmail 8.17 gives it); tests must not
touch /etc.  Every process that needs the test's configuration (our
daemon, the real sendmail 8.17, saslauthd) runs in its own mount
namespace with an overlay over /etc whose upper layer is a private
directory of the test: /etc/sasl2 there is a bind mount of the test's
configuration directory, /etc/sasldb2 (what saslauthd -a sasldb reads) a
file of the upper layer.  The host name is mail.example.com in that
namespace too.

The real sendmail's syslog lines go to its run directory's "syslog" file
through an LD_PRELOAD shim on a copy of its binary (as test/lib/smtpc_env.sh
does), so both sides' log lines can be compared.
"""
import os
import shutil
import subprocess
import tempfile
import time

import smtppeer as sp

SHIM_C = r"""
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static char path[4096];
/* read at load time: sendmail clears its environment when it starts */
__attribute__((constructor)) static void init(void)
{
	const char *p = getenv("SHIM_LOG");
	if (p != NULL)
		snprintf(path, sizeof path, "%s", p);
}
static void out(const char *fmt, va_list ap)
{
	FILE *f = path[0] ? fopen(path, "a") : NULL;
	if (f == NULL)
		return;
	fprintf(f, "sendmail[%ld]: ", (long)getpid());
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fclose(f);
}
void openlog(const char *i, int o, int f) { (void)i; (void)o; (void)f; }
void closelog(void) {}
void vsyslog(int p, const char *fmt, va_list ap) { (void)p; out(fmt, ap); }
void syslog(int p, const char *fmt, ...) { va_list ap; va_start(ap, fmt); (void)p; out(fmt, ap); va_end(ap); }
void __syslog_chk(int p, int fl, const char *fmt, ...) { va_list ap; va_start(ap, fmt); (void)p; (void)fl; out(fmt, ap); va_end(ap); }
void __vsyslog_chk(int p, int fl, const char *fmt, va_list ap) { (void)p; (void)fl; out(fmt, ap); }
"""

# mounts the overlay ($1 upper, $2 work, $3 the Sendmail.conf directory),
# names the host, sets the environment given after them, runs the rest
NS_SCRIPT = ('mount -t overlay overlay -o lowerdir=/etc,upperdir="$1",workdir="$2" /etc && '
             'mkdir -p /etc/sasl2 && mount --bind "$3" /etc/sasl2 && '
             'hostname mail.example.com && shift 3 && exec env "$@"')


def usable():
    """Why the SASL tests cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root (namespaces, the daemons)"
    for prog in ("saslpasswd2", "saslauthd", "unshare", "cc"):
        if shutil.which(prog) is None:
            return "no " + prog
    return None


class SaslEnv:
    """The test's SASL configuration directory, sasldb and namespaces."""

    def __init__(self, base):
        self.dir = os.path.join(base, "sasl")
        self.conf = os.path.join(self.dir, "conf")
        self.sasldb = os.path.join(self.dir, "sasldb2")
        self.run = os.path.join(self.dir, "run")
        for d in (self.conf, self.run):
            os.makedirs(d)
        os.chmod(self.dir, 0o755)
        os.chmod(self.conf, 0o755)
        os.chmod(self.run, 0o755)
        self.saslauthd = None
        self.shim = None
        self.refbin = None

    def add_user(self, user, password, realm=sp.HOSTNAME):
        subprocess.run(["saslpasswd2", "-f", self.sasldb, "-a", "Sendmail", "-u", realm,
                        "-c", "-p", user], input=password.encode(), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        # our sessions run as DefaultUser, not root
        os.chmod(self.sasldb, 0o644)

    def write_conf(self, text):
        p = os.path.join(self.conf, "Sendmail.conf")
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, 0o644)

    def auxprop_conf(self, extra=""):
        self.write_conf("pwcheck_method: auxprop\nauxprop_plugin: sasldb\nsasldb_path: %s\n%s"
                        % (self.sasldb, extra))

    def saslauthd_conf(self, extra=""):
        self.write_conf("pwcheck_method: saslauthd\nsaslauthd_path: %s/mux\n%s" % (self.run, extra))

    def ns(self, env=()):
        """The argv prefix that runs a command in a namespace of its own."""
        up = tempfile.mkdtemp(prefix="up.", dir=self.dir)
        # the upper layer's root gives /etc its mode: others must read it
        os.chmod(up, 0o755)
        work = tempfile.mkdtemp(prefix="work.", dir=self.dir)
        return ["unshare", "-m", "-u", "sh", "-c", NS_SCRIPT, "sh", up, work, self.conf] + list(env)

    def start_saslauthd(self):
        """saslauthd -a sasldb on the test's sasldb (as its /etc/sasldb2)."""
        argv = self.ns()
        shutil.copy(self.sasldb, os.path.join(argv[7], "sasldb2"))
        log = open(os.path.join(self.dir, "saslauthd.log"), "wb")
        self.saslauthd = subprocess.Popen(argv + ["saslauthd", "-a", "sasldb", "-m", self.run,
                                                  "-n", "1", "-d"],
                                          stdin=subprocess.DEVNULL, stdout=log,
                                          stderr=subprocess.STDOUT,
                                          # it signals its whole process group when it ends
                                          start_new_session=True)
        log.close()
        mux = os.path.join(self.run, "mux")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not os.path.exists(mux):
            time.sleep(0.1)
        if not os.path.exists(mux):
            raise RuntimeError("saslauthd did not start")

    def stop(self):
        if self.saslauthd is not None and self.saslauthd.poll() is None:
            self.saslauthd.terminate()
            try:
                self.saslauthd.wait(10)
            except subprocess.TimeoutExpired:
                self.saslauthd.kill()
                self.saslauthd.wait(5)
        self.saslauthd = None

    def ref_binary(self):
        """A copy of the real binary and the syslog shim (made once)."""
        if self.refbin is None:
            src = os.path.join(self.dir, "shim.c")
            with open(src, "w") as f:
                f.write(SHIM_C)
            self.shim = os.path.join(self.dir, "shim.so")
            subprocess.run(["cc", "-shared", "-fPIC", "-o", self.shim, src], check=True)
            os.chmod(self.shim, 0o755)
            root = subprocess.run([sp.oracle("refpath"), "bin"], stdout=subprocess.PIPE,
                                  check=True).stdout.decode().strip()
            self.refbin = os.path.join(self.dir, "refsm")
            shutil.copy(os.path.join(root, "sendmail"), self.refbin)
            os.chmod(self.refbin, 0o755)
        return self.refbin


class SaslDaemon(sp.Daemon):
    """A daemon of smtppeer that runs in the SASL namespace; the real
    sendmail's log lines go to self.syslog."""

    def __init__(self, side, base, env, **kw):
        sp.Daemon.__init__(self, side, base, **kw)
        self.sasl_env = env
        # a second listener's port where the .mc lines say @PORT2@
        self.port2 = sp.free_port()
        self.extra = self.extra.replace("@PORT2@", str(self.port2))

    def argv(self, *args):
        if self.side == "ref":
            ns = self.sasl_env.ns(["SHIM_LOG=" + self.syslog, "LD_PRELOAD=" + self.sasl_env.shim])
            return ns + [self.sasl_env.ref_binary(), "-C", self.cf] + list(args)
        return self.sasl_env.ns() + sp.Daemon.argv(self, *args)

    def setup(self):
        if self.side == "ref":
            self.sasl_env.ref_binary()
        sp.Daemon.setup(self)
        open(self.syslog, "a").close()
        os.chmod(self.syslog, 0o666)

    def log_lines(self):
        try:
            with open(self.syslog, errors="replace") as f:
                return [l.rstrip("\n") for l in f]
        except OSError:
            return []

    def clear_log(self):
        open(self.syslog, "w").close()
