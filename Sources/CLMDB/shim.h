#ifndef TRIDENT_CLMDB_SHIM_H
#define TRIDENT_CLMDB_SHIM_H
#include <lmdb.h>
#endif
