#ifndef DOCKET_CLIBXML2_SHIM_H
#define DOCKET_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU; its encoding.h then pulls ICU headers whose UErrorCode
   clashes with Foundation's private ICU copy on a clean build. Docket never uses the ICU
   fields, so hide them (see docs/pitfalls.md). */
#undef LIBXML_ICU_ENABLED

#include <stdarg.h>
#include <stdio.h>
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/c14n.h>
#include <libxml/xmlIO.h>
#include <libxml/uri.h>

/* xmlFree is a mutable global function pointer, which Swift 6 refuses as not
   concurrency-safe; calling it from C sidesteps that. */
static inline void docket_xml_free(void *pointer) {
    xmlFree(pointer);
}

/* The generic error channel is printf-style, which Swift cannot implement. This sink
   formats the message and hands it to a Swift callback, so that nothing libxml2 says is
   printed to stderr behind the caller's back. */
typedef void (*docket_generic_error_callback)(void *context, const char *message);

typedef struct {
    docket_generic_error_callback callback;
    void *context;
} docket_generic_error_sink;

static void docket_generic_error_trampoline(void *sink, const char *format, ...) {
    if (sink == NULL || format == NULL) return;
    docket_generic_error_sink *target = (docket_generic_error_sink *)sink;
    char buffer[1024];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(buffer, sizeof buffer, format, arguments);
    va_end(arguments);
    if (target->callback != NULL) target->callback(target->context, buffer);
}

/* Routes this thread's generic libxml2 errors to `sink` (NULL silences them). */
static inline void docket_set_generic_error_sink(docket_generic_error_sink *sink) {
    xmlSetGenericErrorFunc(sink, docket_generic_error_trampoline);
}

/* The parser version, a per-thread macro in this build. */
static inline const char *docket_xml_parser_version(void) {
    return xmlParserVersion;
}

#endif
