#ifndef BARRAGE_CYAML_SHIM_H
#define BARRAGE_CYAML_SHIM_H
#include <yaml.h>
#endif
