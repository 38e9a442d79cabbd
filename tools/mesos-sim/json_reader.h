#pragma once

// Reads the JSON form of a protobuf message the way the master's converter (stout's
// JSON::protobuf) reports problems: the first type mismatch is a conversion error ("Not
// expecting a JSON string for field 'id'"), absent required fields are collected with their full
// path ("accept.operations[0].launch.task_infos[0].name") and reported together afterwards.
// Only the fields the emulator reads are checked.

#include <rapidjson/document.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace mesos_sim {

class JsonReader {
 public:
  using Value = rapidjson::Value;

  // Enters a sub-message (or a repeated element, e.g. "tasks[0]") for the paths of missing
  // fields; leaves it when destroyed.
  class Scope {
   public:
    Scope(JsonReader& reader, const std::string& part);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    JsonReader& reader_;
    size_t length_;
  };

  // The first conversion error, or the list of missing fields; "" when the message converted.
  std::string conversion_error() const;
  bool failed() const { return !error_.empty(); }
  bool fail(std::string message);
  // "Not expecting a JSON <kind> for field '<key>'".
  bool wrong_kind(const Value& value, const char* key);

  // Every getter returns nothing for an absent or null member; `required` ones record it.
  const Value* member(const Value& obj, const char* key) const;
  const Value* object(const Value& obj, const char* key, bool required = false);
  const Value* array(const Value& obj, const char* key);
  std::optional<std::string> string(const Value& obj, const char* key, bool required = false);
  // An id wrapper {"value": "..."} (a bare string is a conversion error, spec A.2 rule 4).
  std::optional<std::string> id(const Value& obj, const char* key, bool required = false);
  // A repeated string; one bare string reads as one element, as the master's converter has it.
  std::vector<std::string> strings(const Value& obj, const char* key);
  // A JSON number, or a string holding one (the converter parses both).
  std::optional<double> number(const Value& obj, const char* key, bool required = false);
  // An enum by name. An unknown name fails the conversion for a required enum ("Failed to find
  // enum for 'x'") and reads as unset for an optional one, as the converter drops it.
  std::optional<std::string> enumeration(const Value& obj, const char* key,
                                         std::initializer_list<const char*> names,
                                         bool required = false);
  // Calls `read` on each object of a repeated message field, inside its "key[i]" scope.
  template <typename Read>
  void each_object(const Value& obj, const char* key, Read read) {
    const Value* items = array(obj, key);
    if (!items) return;
    for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
      if (!(*items)[i].IsObject()) {
        wrong_kind((*items)[i], key);
        return;
      }
      Scope scope(*this, std::string(key) + "[" + std::to_string(i) + "]");
      read((*items)[i]);
    }
  }
  // Standard base64 of a bytes field.
  std::optional<std::string> bytes(const Value& obj, const char* key, bool required = false);

 private:
  void missing(const char* key) { missing_.push_back(path_ + key); }

  std::string error_;
  std::vector<std::string> missing_;
  std::string path_;  // "accept.operations[0]." while reading that operation
};

}  // namespace mesos_sim
