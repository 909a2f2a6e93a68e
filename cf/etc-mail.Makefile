# Makefile for /etc/mail -- installed by this project's "./Build install"
# as $(PREFIX)/share/sendmail/etc-mail.Makefile, and as /etc/mail/Makefile
# when that file does not exist yet.  Needs GNU make.
#
#   make -C /etc/mail           rebuild whatever is older than its source
#   make -C /etc/mail cf        only the .cf files (sendmail.cf, submit.cf ...)
#   make -C /etc/mail maps      only the maps (access.db, mailertable.db ...)
#   make -C /etc/mail newaliases  only aliases.db (when aliases changed)
#   make -C /etc/mail clean     remove the generated .cf files and maps
#
# Every NAME.mc here gives NAME.cf with the cf tree (the .mc may include
# cf.m4 itself, as Debian's do, or not); a .cf is also rebuilt when the cf
# tree changes.  Every map source listed in MAPS that exists gives
# NAME.db with makemap.  After a change of sendmail.cf the daemon must be
# restarted; map changes are seen at once.
#
# Settings (override on the command line, e.g. make MAPTYPE=btree):
PREFIX   = @PREFIX@
CFDIR    = $(PREFIX)/share/sendmail/cf
M4       = m4
SENDMAIL = $(PREFIX)/sbin/sendmail
MAKEMAP  = $(PREFIX)/sbin/makemap
# makemap reads /etc/mail/sendmail.cf (for TrustedUser ...); -C names another
MAKEMAP_FLAGS =
MAPTYPE  = hash
MAPS     = access mailertable virtusertable genericstable domaintable \
	   authinfo
# the user database is a btree map (op.txt: makemap btree userdb)
USERDB_TYPE = btree
# aliases.db: sendmail -bi (newaliases) reads AliasFile from sendmail.cf
NEWALIASES = $(SENDMAIL) -bi
ALIASES  = aliases

CFS      = $(patsubst %.mc,%.cf,$(wildcard *.mc))
MAPDBS   = $(patsubst %,%.db,$(wildcard $(MAPS)))
USERDBS  = $(patsubst %,%.db,$(wildcard userdb))
CFTREE   = $(wildcard $(CFDIR)/m4/*.m4 $(CFDIR)/feature/*.m4 $(CFDIR)/mailer/*.m4 \
	   $(CFDIR)/ostype/*.m4 $(CFDIR)/domain/*.m4 $(CFDIR)/hack/*.m4)

.PHONY: all cf maps newaliases clean
.DELETE_ON_ERROR:

all: cf maps newaliases

cf: $(CFS)

maps: $(MAPDBS) $(USERDBS)

newaliases: $(if $(wildcard $(ALIASES)),$(ALIASES).db)

# NAME.mc -> NAME.cf; cf.m4 goes first unless the .mc includes it
%.cf: %.mc $(CFTREE)
	@echo "m4 $< > $@"
	@if grep -q 'cf\.m4' $<; then \
		$(M4) -D_CF_DIR_=$(CFDIR)/ $< > $@.new; \
	else \
		$(M4) -D_CF_DIR_=$(CFDIR)/ $(CFDIR)/m4/cf.m4 $< > $@.new; \
	fi && mv -f $@.new $@ || { rm -f $@.new; exit 1; }

# map sources -> Berkeley/GDBM maps
$(MAPDBS): %.db: %
	$(MAKEMAP) $(MAKEMAP_FLAGS) $(MAPTYPE) $* < $<

userdb.db: userdb
	$(MAKEMAP) $(MAKEMAP_FLAGS) $(USERDB_TYPE) userdb < userdb

# aliases.db is rebuilt when aliases changed
$(ALIASES).db: $(ALIASES)
	$(NEWALIASES)

clean:
	rm -f $(CFS) $(MAPDBS) $(USERDBS) $(ALIASES).db
