// A channel reads only the settings its kind declares, each as the type it declares.

#include <gtest/gtest.h>

#include <stdexcept>

#include "omniroute/channel.hpp"

namespace omniroute {
namespace {

ChannelSettings declared_settings() {
  ChannelSettings s;
  s.id = "sms";
  s.kind = "example";
  s.values = {{"from", "+919876500001"}, {"poll_interval", "90s"}, {"rate_limit", "0.5/s"}};
  s.declared = std::make_shared<const std::vector<FieldSpec>>(std::vector<FieldSpec>{
      {.name = "from", .type = FieldType::phone},
      {.name = "poll_interval", .type = FieldType::duration},
      {.name = "rate_limit", .type = FieldType::rate},
      {.name = "window_template", .type = FieldType::text}});
  return s;
}

TEST(ChannelSettings, DeclaredKeysReadAsTheirTypes) {
  ChannelSettings s = declared_settings();
  EXPECT_EQ(s.get("from"), "+919876500001");
  EXPECT_EQ(s.get<Duration>("poll_interval"), std::chrono::seconds(90));
  EXPECT_DOUBLE_EQ(s.get<Rate>("rate_limit").per_second, 0.5);
  EXPECT_EQ(s.get("window_template"), "");  // declared, unset: empty
}

TEST(ChannelSettings, AnUndeclaredKeyOrAnotherTypeIsAProgrammingError) {
  ChannelSettings s = declared_settings();
  EXPECT_THROW(s.get("form"), std::logic_error);  // a typo never reads as ""
  EXPECT_THROW(s.get<Duration>("from"), std::logic_error);
  EXPECT_THROW(s.get<Rate>("poll_interval"), std::logic_error);
  EXPECT_FALSE(s.declares("form"));
}

TEST(ChannelSettings, EveryKindsCreateAttachesItsDeclarations) {
  ChannelKind kind;
  kind.name = "example";
  kind.fields = {{.name = "from", .type = FieldType::phone}};
  bool attached = false;
  kind.create = [&attached](ChannelSettings s) -> std::unique_ptr<Channel> {
    attached = s.declared && s.declared->size() == 1 && s.declares("from") && !s.declares("to");
    return nullptr;
  };
  declared_kind(kind).create(ChannelSettings{});
  EXPECT_TRUE(attached);
}

}  // namespace
}  // namespace omniroute
