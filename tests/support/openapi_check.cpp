#include "support/openapi_check.hpp"

#include <yaml-cpp/yaml.h>

#include <atomic>
#include <boost/json.hpp>
#include <sstream>

namespace omniroute::testing {

namespace json = boost::json;

namespace {

std::atomic<bool> g_enabled{false};

const YAML::Node& document() {
  static const YAML::Node doc = YAML::LoadFile(std::string(OMNIROUTE_SOURCE_DIR) + "/docs/openapi.yaml");
  return doc;
}

/// Follows a local $ref ("#/components/schemas/X") to its node.
YAML::Node resolve(YAML::Node node) {
  for (int hops = 0; node.IsMap() && node["$ref"] && hops < 10; ++hops) {
    std::string ref = node["$ref"].as<std::string>();
    YAML::Node at = YAML::Clone(document());
    std::stringstream parts(ref.substr(2));  // after "#/"
    for (std::string part; std::getline(parts, part, '/');) at = at[part];
    node = at;
  }
  return node;
}

std::string type_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64: return "integer";
    case json::kind::double_: return "number";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
  }
  return "?";
}

bool type_matches(const json::value& v, const std::string& type) {
  const std::string actual = type_of(v);
  if (type == actual) return true;
  if (type == "number" && actual == "integer") return true;
  if (type == "integer" && actual == "number") return v.as_double() == static_cast<double>(static_cast<long long>(v.as_double()));
  return false;
}

std::string scalar_text(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return json::serialize(v);
}

/// Appends every way `v` fails `schema` to `errors` (path: where in the body).
void validate(const json::value& v, YAML::Node schema, const std::string& path, std::vector<std::string>& errors) {
  schema = resolve(schema);
  if (!schema.IsMap()) return;
  if (auto all = schema["allOf"]) {
    for (const auto& s : all) validate(v, s, path, errors);
  }
  for (const char* key : {"oneOf", "anyOf"}) {
    if (auto options = schema[key]) {
      bool any = false;
      std::vector<std::string> first;
      for (const auto& s : options) {
        std::vector<std::string> e;
        validate(v, s, path, e);
        if (e.empty()) any = true;
        else if (first.empty()) first = e;
      }
      if (!any) errors.push_back(path + ": matches none of " + key + " (first: " + (first.empty() ? "" : first[0]) + ")");
    }
  }
  if (auto type = schema["type"]) {
    bool ok = false;
    std::string wanted;
    if (type.IsSequence()) {
      for (const auto& t : type) {
        ok = ok || type_matches(v, t.as<std::string>());
        wanted += (wanted.empty() ? "" : "|") + t.as<std::string>();
      }
    } else {
      wanted = type.as<std::string>();
      ok = type_matches(v, wanted);
    }
    if (!ok) {
      errors.push_back(path + ": is " + type_of(v) + ", the document says " + wanted);
      return;
    }
  }
  if (auto c = schema["const"]) {
    if (!v.is_string() || scalar_text(v) != c.as<std::string>()) {
      errors.push_back(path + ": is " + json::serialize(v) + ", the document says " + c.as<std::string>());
    }
  }
  if (auto e = schema["enum"]) {
    bool found = false;
    for (const auto& option : e) found = found || (v.is_string() && option.as<std::string>() == v.as_string());
    if (!found) errors.push_back(path + ": " + json::serialize(v) + " is not one of the documented values");
  }
  if (v.is_object()) {
    const auto& o = v.as_object();
    if (auto required = schema["required"]) {
      for (const auto& r : required) {
        if (!o.contains(r.as<std::string>())) errors.push_back(path + ": lacks required '" + r.as<std::string>() + "'");
      }
    }
    auto properties = schema["properties"];
    auto additional = schema["additionalProperties"];
    for (const auto& [key, value] : o) {
      std::string k(key);
      if (properties && properties[k]) validate(value, properties[k], path + "." + k, errors);
      else if (additional && additional.IsMap()) validate(value, additional, path + "." + k, errors);
      else if (additional && additional.IsScalar() && additional.as<std::string>() == "false") {
        errors.push_back(path + ": '" + k + "' is not documented");
      }
    }
  }
  if (v.is_array()) {
    if (auto items = schema["items"]) {
      const auto& a = v.as_array();
      for (size_t i = 0; i < a.size(); ++i) validate(a[i], items, path + "[" + std::to_string(i) + "]", errors);
    }
  }
}

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream in(path);
  for (std::string s; std::getline(in, s, '/');) {
    if (!s.empty()) out.push_back(s);
  }
  return out;
}

/// The documented path template `path` falls under (most literal segments win), or "".
std::string template_of(const std::string& path) {
  const auto want = segments(path);
  std::string best;
  int best_literals = -1;
  for (const auto& entry : document()["paths"]) {
    const std::string name = entry.first.as<std::string>();
    const auto have = segments(name);
    if (have.size() != want.size()) continue;
    int literals = 0;
    bool match = true;
    for (size_t i = 0; i < have.size() && match; ++i) {
      if (have[i].front() == '{') continue;
      if (have[i] != want[i]) match = false;
      else ++literals;
    }
    if (match && literals > best_literals) {
      best = name;
      best_literals = literals;
    }
  }
  return best;
}

}  // namespace

bool openapi_checks_enabled() { return g_enabled.load(); }
void enable_openapi_checks(bool on) { g_enabled.store(on); }

std::string openapi_violation(const std::string& method, const std::string& target, int status,
                              const std::string& content_type, const std::string& body) {
  if (content_type.find("json") == std::string::npos || body.empty()) return "";
  std::string m = method;
  for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (m == "head") return "";
  const std::string path = target.substr(0, target.find('?'));
  const std::string where = method + " " + path + " → " + std::to_string(status);
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec) return where + ": the body is not JSON although the Content-Type says so";

  YAML::Node schema;
  const std::string name = template_of(path);
  if (name.empty()) {
    // No such path: only an error may answer it.
    if (status < 400) return where + ": no path of docs/openapi.yaml matches";
    schema = document()["components"]["schemas"]["Error"];
  } else {
    YAML::Node operation = document()["paths"][name][m];
    if (!operation) {
      if (status < 400) return where + ": " + name + " documents no " + method;
      schema = document()["components"]["schemas"]["Error"];
    } else {
      YAML::Node responses = operation["responses"];
      const std::string code = std::to_string(status);
      YAML::Node response = responses[code];
      if (!response) response = responses[code.substr(0, 1) + "XX"];
      if (!response) response = responses["default"];
      if (!response) return where + ": status " + code + " is not documented for " + method + " " + name;
      response = resolve(response);
      YAML::Node media = response["content"]["application/json"];
      if (!media) return where + ": a JSON body is not documented for this status";
      schema = media["schema"];
    }
  }
  std::vector<std::string> errors;
  validate(value, schema, "body", errors);
  if (errors.empty()) return "";
  std::string out = where + " does not match docs/openapi.yaml:";
  for (const auto& e : errors) out += "\n  " + e;
  return out + "\n  body: " + body.substr(0, 600);
}

}  // namespace omniroute::testing
