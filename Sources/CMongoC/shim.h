#ifndef CLUSTERD_CMONGOC_SHIM_H
#define CLUSTERD_CMONGOC_SHIM_H
#include <mongoc/mongoc.h>
#include <bson/bson.h>
#endif
