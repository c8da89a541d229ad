// The queue score is written in C++ (new conversations) and in Lua (requeues, routing, queue
// alerts): both must use one band width, or a requeued conversation would jump the queue.

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "store/conversation_store.hpp"

namespace omniroute::store {
namespace {

TEST(QueueScore, CppAndLuaShareOneBandWidth) {
  std::ifstream in(std::string(OMNIROUTE_SOURCE_DIR) + "/src/store/lua/lib_agent.lua");
  std::stringstream text;
  text << in.rdbuf();
  std::smatch m;
  const std::string lua = text.str();
  ASSERT_TRUE(std::regex_search(lua, m, std::regex(R"(local QUEUE_BAND = (\d+))")));
  EXPECT_EQ(std::stoll(m[1].str()), kQueueBand);
}

TEST(QueueScore, UrgentBeforeNormalWhateverTheirAge) {
  // An urgent conversation from a year later still sorts before a normal one.
  const std::int64_t now = 1'800'000'000'000;
  EXPECT_LT(std::stod(queue_score(config::Priority::urgent, now + 365LL * 86'400'000)),
            std::stod(queue_score(config::Priority::normal, now)));
  EXPECT_LT(std::stod(queue_score(config::Priority::normal, now)), std::stod(queue_score(config::Priority::normal, now + 1)));
}

}  // namespace
}  // namespace omniroute::store
