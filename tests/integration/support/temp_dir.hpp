// A fresh directory under $TMPDIR (or /tmp), removed with everything in it
// when the test is done, whatever the outcome.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace runbook::testing {

class TempDir {
public:
   explicit TempDir(const std::string& prefix = "runbook-test")
   {
      const char* base = std::getenv("TMPDIR");
      std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
      std::vector<char> buffer(pattern.begin(), pattern.end());
      buffer.push_back('\0');
      if (!::mkdtemp(buffer.data())) throw std::runtime_error("cannot create a temporary directory from " + pattern);
      path_ = buffer.data();
   }
   ~TempDir()
   {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
   }
   TempDir(const TempDir&) = delete;
   TempDir& operator=(const TempDir&) = delete;

   const std::filesystem::path& path() const { return path_; }
   std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
   std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
   std::filesystem::path path_;
};

}  // namespace runbook::testing
