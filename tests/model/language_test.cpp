// Language detection: what routing rules and required skills match on.

#include <gtest/gtest.h>

#include "omniroute/language.hpp"

namespace omniroute {
namespace {

TEST(Language, TeluguIsTeluguEvenInOneWord) {
  EXPECT_EQ(detect_language("నమస్కారం"), "te");
  EXPECT_EQ(detect_language("నా ఆర్డర్ ఇంకా రాలేదు, దయచేసి సహాయం చేయండి"), "te");
}

TEST(Language, HindiInDevanagari) {
  EXPECT_EQ(detect_language("नमस्ते"), "hi");
  EXPECT_EQ(detect_language("मेरा ऑर्डर अभी तक नहीं आया है, कृपया मदद करें"), "hi");
}

TEST(Language, OtherIndianScripts) {
  EXPECT_EQ(detect_language("வணக்கம், எனக்கு உதவி தேவை"), "ta");
  EXPECT_EQ(detect_language("ನಮಸ್ಕಾರ"), "kn");
  EXPECT_EQ(detect_language("നമസ്കാരം"), "ml");
}

TEST(Language, LatinScriptLanguagesNeedEnoughText) {
  EXPECT_EQ(detect_language("My order has not arrived yet and I would like a refund please"), "en");
  EXPECT_EQ(detect_language("Mi pedido todavía no ha llegado y quisiera un reembolso, por favor"), "es");
  EXPECT_EQ(detect_language("Ma commande n'est toujours pas arrivée, je voudrais être remboursé"), "fr");
}

TEST(Language, MixedTextGoesByItsMainScript) {
  EXPECT_EQ(detect_language("order #4521 ఇంకా రాలేదు"), "te");
  EXPECT_EQ(detect_language("Hi, मेरा पैकेज कहाँ है? मुझे बहुत देर हो गई है"), "hi");
}

TEST(Language, UnknowableIsEmpty) {
  EXPECT_EQ(detect_language(""), "");
  EXPECT_EQ(detect_language("12345 !!! 🙂"), "");
  EXPECT_EQ(detect_language("\xff\xfe"), "");  // not UTF-8
}

TEST(Language, OtherScripts) {
  EXPECT_EQ(detect_language("こんにちは、注文について質問があります"), "ja");
  EXPECT_EQ(detect_language("안녕하세요"), "ko");
  EXPECT_EQ(detect_language("Здравствуйте, мой заказ не пришёл"), "ru");
  EXPECT_EQ(detect_language("مرحبا، لم يصل طلبي بعد"), "ar");
}

}  // namespace
}  // namespace omniroute
