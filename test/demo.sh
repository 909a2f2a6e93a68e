#!/bin/sh
# demo.sh: what "./Build demo" runs.  Until the SMTP daemon exists, the demo
# is address test mode (-bt) on the embedded configuration cf/cf/demo.cf.
top=$(cd "$(dirname "$0")/.." && pwd)
cat <<MSG
sendmail address test mode on $top/cf/cf/demo.cf
Try:  3,0 someone@demo.example.com     (resolves to the local mailer)
      3,0 someone@example.org          (resolves to esmtp)
      /parse Joe User <joe@example.org>
      =S0        (list ruleset 0)       =M  (list mailers)
      /quit
MSG
exec "$top/build/bin/sendmail" -C "$top/cf/cf/demo.cf" -bt
