#pragma once
// What a mail says, as text: HTML rendered readable, the quoted earlier correspondence left out,
// subjects normalised for threading. Pure functions on UTF-8 text (no MIME, no GMime).

#include <string>
#include <string_view>

namespace omniroute::channels {

/// HTML as readable text: block elements as line breaks, entities decoded, scripts and styles dropped.
std::string html_to_text(std::string_view html);

/// `text` without the quoted earlier correspondence: "> " lines and everything from an attribution
/// line ("On … wrote:", "-----Original Message-----", an Outlook "From: … Sent: …" block) on.
std::string strip_quoted(std::string_view text);

/// "Re: Fwd: RE: Order #4512" → "order #4512": for threading by subject.
std::string normalised_subject(std::string_view subject);

}  // namespace omniroute::channels
