/*
 * msp.h: whether sendmail runs as the mail submission program (-Ac, or
 * UseMSP in the cf).  The SMTP client itself is smtpc.h's.
 */
#ifndef MSP_H
#define MSP_H

#include <stdbool.h>

/* -Ac was given: the mail submission program even without UseMSP. */
void msp_set_cmdline(bool on);
/* True when sendmail acts as the MSP (-Ac, or UseMSP=True in the cf). */
bool msp_active(void);

#endif
