#pragma once
// What every store call answers: the typed result, or one StoreError.

#include "omniroute/expected.hpp"
#include "store/reply.hpp"

namespace omniroute::store {

/// Redis did not answer, or answered something the store did not expect: nothing is known to have changed.
using StoreError = RedisError;
template <typename T>
using StoreResult = Expected<T, StoreError>;

/// Nothing to report but success.
struct Done {};

}  // namespace omniroute::store
