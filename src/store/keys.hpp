#pragma once
// Redis key names: store::Keys is generated from the one key table, src/store/keys.table, which also
// gives every Lua script its K.<name>(prefix, …) functions (cmake/keys_run.cmake). Every key of a
// workspace shares the hash tag {ws}, so a multi-key script runs in one slot (and a workspace fits one
// Cluster shard). docs/redis-schema.md describes each key.

#include "store/key_table.hpp"  // generated
