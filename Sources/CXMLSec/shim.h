#ifndef DOCKET_CXMLSEC_SHIM_H
#define DOCKET_CXMLSEC_SHIM_H

/* The defines `pkg-config --cflags xmlsec1-openssl` gives. They change the ABI (without
   XMLSEC_NO_SIZE_T, xmlSecSize would be size_t instead of the unsigned int Debian's library
   was built with) and select the OpenSSL backend's headers, so they must hold whenever these
   headers are read, whatever flags the compiler was handed. */
#ifndef XMLSEC_NO_SIZE_T
#define XMLSEC_NO_SIZE_T
#endif
#ifndef XMLSEC_CRYPTO_OPENSSL
#define XMLSEC_CRYPTO_OPENSSL 1
#endif
#ifndef XMLSEC_NO_CRYPTO_DYNAMIC_LOADING
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#endif
#ifndef XMLSEC_OPENSSL3_ENGINES
#define XMLSEC_OPENSSL3_ENGINES 1
#endif
#ifndef XMLSEC_NO_GOST
#define XMLSEC_NO_GOST 1
#endif
#ifndef XMLSEC_NO_GOST2012
#define XMLSEC_NO_GOST2012 1
#endif
#ifndef __XMLSEC_FUNCTION__
#define __XMLSEC_FUNCTION__ __func__
#endif

/* xmlsec's headers include libxml2's: read them exactly as CLibXML2's shim does, so that both
   modules see identical declarations (and the ICU clash of a clean build stays away; see
   Sources/CLibXML2/shim.h). */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/tree.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/errors.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysdata.h>
#include <xmlsec/keyinfo.h>
#include <xmlsec/transforms.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>

/* The version check is a macro over the version macros of the headers Docket was built with. */
static inline int docket_xmlsec_check_version(void) {
    return xmlSecCheckVersion();
}

#endif
