#pragma once
// JSON as people and spreadsheets read it: Boost.JSON's serializer writes a
// double as 5E-1 or 1E0; json_text writes the same document with integers as
// integers and decimals in plain notation (0.5, 0.6666666666666666, 4).

#include <boost/json/value.hpp>
#include <string>

namespace omniroute {

/// `v` serialized; doubles in the shortest plain decimal that reads back as the same double.
std::string json_text(const boost::json::value& v);

/// One double as json_text writes it ("0.75", "1", "4.5").
std::string plain_number(double d);

}  // namespace omniroute
