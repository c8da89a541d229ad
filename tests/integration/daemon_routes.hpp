#pragma once
// The daemon's own route table, as a worker built in-process (never started) has it: what the
// route-table and role tests walk, so neither can miss a route.

#include <string>
#include <vector>

#include "http/route_table.hpp"

namespace omniroute::testing {

struct DaemonRoute {
  std::string method;   // "GET" (HEAD routes are left out: they answer as GET)
  std::string pattern;  // "/v1/agents/{id}"
  http::Role role;
};

std::vector<DaemonRoute> daemon_routes();

}  // namespace omniroute::testing
