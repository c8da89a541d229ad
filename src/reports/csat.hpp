#pragma once
// Customer satisfaction: what counts as an answer to the survey a customer
// gets after their conversation is resolved (config: a channel's `csat`).

#include <optional>
#include <string_view>

namespace omniroute::reports {

/// What the reports call satisfaction scores.
inline constexpr std::string_view kCsat = "csat";

/// The score (1–5) a customer's message gives, or nullopt when it is not an answer: a digit 1–5 (also
/// Devanagari १–५ and Telugu ౧–౫), optionally "/5"; one to five ⭐; 👍 (5) or 👎 (1) — alone, with
/// spaces or a closing '.' or '!' around it. "5 stars, thanks!" is a message, not a score.
std::optional<int> survey_score(std::string_view text);

}  // namespace omniroute::reports
