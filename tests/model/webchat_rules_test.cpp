// Web chat's rules (include/omniroute/webchat.hpp): which pages may open the
// chat, who a visitor is, and which files they may send.

#include <gtest/gtest.h>

#include "omniroute/digest.hpp"
#include "omniroute/webchat.hpp"

namespace omniroute::webchat {
namespace {

constexpr const char* kSecret = "site-secret-0123456789";
constexpr const char* kVisitor = "AbCdEfGhIjKlMnOpQrStUv";

TEST(WebchatIdentity, APhoneNumberSignedByTheSiteIsThePhoneHandleInE164) {
  const std::string id = "+91 98765 43210";
  Identity who = identify("site", kSecret, kVisitor, id, hmac_sha256_hex(kSecret, id));
  EXPECT_TRUE(who.identified);
  EXPECT_EQ(who.handle_kind, "phone");
  EXPECT_EQ(who.handle, "+919876543210");
}

TEST(WebchatIdentity, AnEmailAddressIsLowerCasedAndAHashInCapitalsIsTheSameHash) {
  const std::string id = "Meera.Rao@Example.COM";
  std::string hash = hmac_sha256_hex(kSecret, id);
  for (char& c : hash) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Identity who = identify("site", kSecret, kVisitor, id, hash);
  EXPECT_TRUE(who.identified);
  EXPECT_EQ(who.handle_kind, "email");
  EXPECT_EQ(who.handle, "meera.rao@example.com");
}

TEST(WebchatIdentity, AnyOtherIdentifierIsTheChannelsOwnAndNeverMeetsAnAnonymousId) {
  Identity user = identify("site", kSecret, kVisitor, "customer-42", hmac_sha256_hex(kSecret, "customer-42"));
  EXPECT_TRUE(user.identified);
  EXPECT_EQ(user.handle_kind, "site");
  EXPECT_EQ(user.handle, "u:customer-42");
  // A visitor who picks "customer-42" as their own id is someone else.
  Identity picker = identify("site", kSecret, "customer-42", "", "");
  EXPECT_NE(picker.handle, user.handle);
}

TEST(WebchatIdentity, AWrongOrMissingHashLeavesTheVisitorAnonymousUnderADigestOfTheirId) {
  const std::string id = "+919876543210";
  Identity forged = identify("site", kSecret, kVisitor, id, hmac_sha256_hex("another-secret", id));
  EXPECT_FALSE(forged.identified);
  EXPECT_EQ(forged.handle_kind, "site");
  EXPECT_EQ(forged.handle, "v:" + sha256_hex(kVisitor).substr(0, 32));
  EXPECT_EQ(forged.handle.find(kVisitor), std::string::npos) << "the id is the visitor's secret";
  EXPECT_EQ(identify("site", kSecret, kVisitor, id, "").handle, forged.handle);
  EXPECT_FALSE(identify("site", "", kVisitor, id, hmac_sha256_hex("", id)).identified) << "no secret, nobody identified";
}

TEST(WebchatIdentity, VisitorIdsAreLongRandomLookingTokens) {
  EXPECT_TRUE(valid_visitor_id(kVisitor));
  EXPECT_TRUE(valid_visitor_id("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(valid_visitor_id("short"));
  EXPECT_FALSE(valid_visitor_id(std::string(65, 'a')));
  EXPECT_FALSE(valid_visitor_id("AbCdEfGhIjKlMnOpQrStU/"));
  EXPECT_FALSE(valid_visitor_id("AbCdEfGhIjKlMnOpQrStU\xE0\xA4\x95"));
}

TEST(WebchatOrigins, OnlyListedOriginsTheOwnOriginAndWithStarLoopbackPagesMayOpenTheChat) {
  const std::vector<std::string> allowed{"https://shop.example", "https://shop.example:8443"};
  const std::string own = "https://support.example.com/";
  EXPECT_TRUE(origin_allowed(allowed, "https://shop.example", own));
  EXPECT_TRUE(origin_allowed(allowed, "https://SHOP.example", own)) << "hosts are case-insensitive";
  EXPECT_TRUE(origin_allowed(allowed, "https://shop.example:8443", own));
  EXPECT_TRUE(origin_allowed(allowed, "https://support.example.com", own));
  EXPECT_FALSE(origin_allowed(allowed, "http://shop.example", own)) << "another scheme is another origin";
  EXPECT_FALSE(origin_allowed(allowed, "https://shop.example.evil.com", own));
  EXPECT_FALSE(origin_allowed(allowed, "https://evilshop.example", own));
  EXPECT_FALSE(origin_allowed(allowed, "https://shop.example/path", own));
  EXPECT_FALSE(origin_allowed(allowed, "", own));
  EXPECT_FALSE(origin_allowed(allowed, "null", own));
  EXPECT_FALSE(origin_allowed(allowed, "http://127.0.0.1:3000", own));
  const std::vector<std::string> star{"*"};
  EXPECT_TRUE(origin_allowed(star, "http://127.0.0.1:3000", ""));
  EXPECT_TRUE(origin_allowed(star, "http://localhost:5173", ""));
  EXPECT_TRUE(origin_allowed(star, "http://[::1]:8080", ""));
  EXPECT_FALSE(origin_allowed(star, "https://shop.example", "")) << "* is for loopback pages only";
  EXPECT_FALSE(origin_allowed(star, "http://127.0.0.1.evil.com", ""));
}

TEST(WebchatOrigins, TheSettingTakesHttpsOriginsAndPlainHttpOnlyOnLoopback) {
  EXPECT_EQ(origin_setting_problem("https://shop.example"), "");
  EXPECT_EQ(origin_setting_problem("https://shop.example:8443"), "");
  EXPECT_EQ(origin_setting_problem("http://localhost:3000"), "");
  EXPECT_EQ(origin_setting_problem("http://127.0.0.1:8080"), "");
  EXPECT_EQ(origin_setting_problem("*"), "");
  EXPECT_NE(origin_setting_problem("http://shop.example"), "");
  EXPECT_NE(origin_setting_problem("https://shop.example/"), "") << "no path, no trailing slash";
  EXPECT_NE(origin_setting_problem("shop.example"), "");
  EXPECT_NE(origin_setting_problem("ftp://shop.example"), "");
}

TEST(WebchatOrigins, ThePageMayBeFramedByTheAllowedOriginsAndItsOwn) {
  EXPECT_EQ(frame_ancestors({"https://shop.example"}, "https://support.example.com"),
            "'self' https://support.example.com https://shop.example");
  EXPECT_EQ(frame_ancestors({"*"}, ""), "'self' http://127.0.0.1:* http://localhost:* https://127.0.0.1:* https://localhost:*");
}

TEST(WebchatFiles, FilesAreToldByTheirBytesNotTheirNames) {
  EXPECT_EQ(sniff_file_type(std::string("\x89PNG\r\n\x1a\n....", 12)), "image/png");
  EXPECT_EQ(sniff_file_type("\xFF\xD8\xFF\xE0...."), "image/jpeg");
  EXPECT_EQ(sniff_file_type("GIF89a...."), "image/gif");
  EXPECT_EQ(sniff_file_type(std::string("RIFF\x10\x00\x00\x00WEBPVP8 ", 16)), "image/webp");
  EXPECT_EQ(sniff_file_type("%PDF-1.7\n"), "application/pdf");
  EXPECT_EQ(sniff_file_type("MZ\x90"), "");
  EXPECT_EQ(sniff_file_type("<svg onload=alert(1)>"), "") << "SVG can carry script: not taken";
  EXPECT_EQ(sniff_file_type(""), "");
}

TEST(WebchatFiles, SizesAreReadWithTheirUnits) {
  EXPECT_EQ(parse_size_bytes("5MB"), 5 * 1024 * 1024);
  EXPECT_EQ(parse_size_bytes("512kB"), 512 * 1024);
  EXPECT_EQ(parse_size_bytes("1048576"), 1048576);
  EXPECT_EQ(parse_size_bytes("100MB"), 100LL << 20);
  EXPECT_FALSE(parse_size_bytes("101MB"));
  EXPECT_FALSE(parse_size_bytes("5 MB"));
  EXPECT_FALSE(parse_size_bytes("MB"));
  EXPECT_FALSE(parse_size_bytes("-1"));
  EXPECT_FALSE(parse_size_bytes("5GB"));
}

}  // namespace
}  // namespace omniroute::webchat
