#include "support/openapi_check.hpp"

#include <yaml-cpp/yaml.h>

#include <atomic>
#include <boost/json.hpp>
#include <sstream>

namespace omniroute::testing {

namespace json = boost::json;

namespace {

std::atomic<bool> g_enabled{false};

/// The document as JSON (scalars as strings), read once: lookups on it are plain reads, safe from every
/// sender thread of a load test (yaml-cpp's own lookups are not: they create nodes as they compare keys).
json::value to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    json::object o;
    for (const auto& kv : n) o[kv.first.as<std::string>()] = to_json(kv.second);
    return o;
  }
  if (n.IsSequence()) {
    json::array a;
    for (const auto& e : n) a.push_back(to_json(e));
    return a;
  }
  if (n.IsScalar()) return json::string(n.Scalar());
  return nullptr;
}

const json::object& document() {
  static const json::value doc = to_json(YAML::LoadFile(std::string(OMNIROUTE_SOURCE_DIR) + "/docs/openapi.yaml"));
  return doc.as_object();
}

/// `o[key]`, or nullptr when `o` is not an object or has no such key.
const json::value* at(const json::value* o, std::string_view key) {
  if (!o || !o->is_object()) return nullptr;
  return o->as_object().if_contains(key);
}

std::string text(const json::value* v) { return v && v->is_string() ? std::string(v->as_string()) : ""; }

/// Follows a local $ref ("#/components/schemas/X") to its node.
const json::value* resolve(const json::value* node) {
  static const json::value root = document();
  for (int hops = 0; node && at(node, "$ref") && hops < 10; ++hops) {
    std::string ref = text(at(node, "$ref"));
    const json::value* here = &root;
    std::stringstream parts(ref.substr(2));  // after "#/"
    for (std::string part; std::getline(parts, part, '/');) here = at(here, part);
    node = here;
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

/// Appends every way `v` fails `schema` to `errors` (path: where in the body).
void validate(const json::value& v, const json::value* schema, const std::string& path, std::vector<std::string>& errors) {
  schema = resolve(schema);
  if (!schema || !schema->is_object()) return;
  if (const auto* all = at(schema, "allOf"); all && all->is_array()) {
    for (const auto& s : all->as_array()) validate(v, &s, path, errors);
  }
  for (const char* key : {"oneOf", "anyOf"}) {
    const auto* options = at(schema, key);
    if (!options || !options->is_array()) continue;
    bool any = false;
    std::vector<std::string> first;
    for (const auto& s : options->as_array()) {
      std::vector<std::string> e;
      validate(v, &s, path, e);
      if (e.empty()) any = true;
      else if (first.empty()) first = e;
    }
    if (!any) errors.push_back(path + ": matches none of " + key + " (first: " + (first.empty() ? "" : first[0]) + ")");
  }
  if (const auto* type = at(schema, "type")) {
    bool ok = false;
    std::string wanted;
    if (type->is_array()) {
      for (const auto& t : type->as_array()) {
        ok = ok || type_matches(v, text(&t));
        wanted += (wanted.empty() ? "" : "|") + text(&t);
      }
    } else {
      wanted = text(type);
      ok = type_matches(v, wanted);
    }
    if (!ok) {
      errors.push_back(path + ": is " + type_of(v) + ", the document says " + wanted);
      return;
    }
  }
  if (const auto* c = at(schema, "const")) {
    if (!v.is_string() || v.as_string() != text(c)) {
      errors.push_back(path + ": is " + json::serialize(v) + ", the document says " + text(c));
    }
  }
  if (const auto* e = at(schema, "enum"); e && e->is_array()) {
    bool found = false;
    for (const auto& option : e->as_array()) found = found || (v.is_string() && v.as_string() == text(&option));
    if (!found) errors.push_back(path + ": " + json::serialize(v) + " is not one of the documented values");
  }
  if (v.is_object()) {
    const auto& o = v.as_object();
    if (const auto* required = at(schema, "required"); required && required->is_array()) {
      for (const auto& r : required->as_array()) {
        if (!o.contains(text(&r))) errors.push_back(path + ": lacks required '" + text(&r) + "'");
      }
    }
    const auto* properties = at(schema, "properties");
    const auto* additional = at(schema, "additionalProperties");
    for (const auto& [key, value] : o) {
      const std::string k(key);
      if (const auto* p = at(properties, k)) validate(value, p, path + "." + k, errors);
      else if (additional && additional->is_object()) validate(value, additional, path + "." + k, errors);
      else if (additional && text(additional) == "false") errors.push_back(path + ": '" + k + "' is not documented");
    }
  }
  if (v.is_array()) {
    if (const auto* items = at(schema, "items")) {
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
  for (const auto& [key, ignored] : document().at("paths").as_object()) {
    const std::string name(key);
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

  static const json::value root = document();
  const json::value* schema = nullptr;
  const json::value* error_schema = at(at(at(&root, "components"), "schemas"), "Error");
  const std::string name = template_of(path);
  if (name.empty()) {
    // No such path: only an error may answer it.
    if (status < 400) return where + ": no path of docs/openapi.yaml matches";
    schema = error_schema;
  } else {
    const json::value* operation = at(at(at(&root, "paths"), name), m);
    if (!operation) {
      if (status < 400) return where + ": " + name + " documents no " + method;
      schema = error_schema;
    } else {
      const json::value* responses = at(operation, "responses");
      const std::string code = std::to_string(status);
      const json::value* response = at(responses, code);
      if (!response) response = at(responses, code.substr(0, 1) + "XX");
      if (!response) response = at(responses, "default");
      if (!response) return where + ": status " + code + " is not documented for " + method + " " + name;
      response = resolve(response);
      const json::value* media = at(at(response, "content"), "application/json");
      if (!media) return where + ": a JSON body is not documented for this status";
      schema = at(media, "schema");
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
