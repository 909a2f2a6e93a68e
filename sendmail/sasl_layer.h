/*
 * sasl_layer.h: the SASL security layer on a session's byte stream
 * (smtpd_io.h).  Installed after an AUTH whose mechanism negotiated a
 * strength above 0 (DIGEST-MD5 with integrity or confidentiality, ...):
 * every byte after that goes through sasl_encode/sasl_decode, on top of
 * whatever layer was there (plain, or TLS), whose functions it keeps and
 * calls, so the two stack.
 */
#ifndef SASL_LAYER_H
#define SASL_LAYER_H

#include <stdbool.h>

#include <sasl/sasl.h>

#include "smtpd_io.h"

/* Puts conn's layer on io; false (io unchanged) when it cannot. */
bool sasl_layer_push(struct smtpd_io *io, sasl_conn_t *conn);
/* Takes the layer off io again (the previous one back), if it is on top. */
void sasl_layer_pop(struct smtpd_io *io);

#endif
