#include "db_types.h"

const char *poolName(PoolId pool)
{
    return pool == PoolId::Writer ? "writer" : "reader";
}
