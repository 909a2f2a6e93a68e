/*
 * testmode.h: address test mode (-bt).
 */
#ifndef TESTMODE_H
#define TESTMODE_H

#include <stdio.h>

/* Reads commands from in until EOF or /quit; returns the exit status. */
int testmode_run(FILE *in);

#endif
