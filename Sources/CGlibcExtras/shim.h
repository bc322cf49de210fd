#ifndef DOCKET_CGLIBCEXTRAS_SHIM_H
#define DOCKET_CGLIBCEXTRAS_SHIM_H

/* glibc calls that Swift's Glibc module does not bring in. */

/* malloc tuning (mallopt). */
#include <malloc.h>

/* Thread names: glibc declares these only under _GNU_SOURCE, which the Glibc module is built
   without. The prototypes are glibc's (pthread_setname_np(3)); names hold 15 bytes. */
#include <pthread.h>
extern int pthread_setname_np(pthread_t thread, const char *name);
extern int pthread_getname_np(pthread_t thread, char *name, size_t size);

#endif
