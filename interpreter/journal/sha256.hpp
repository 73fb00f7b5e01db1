// SHA-256, for the fingerprints the journal keeps: the hash of a run's
// sources (did the file change since the run started?) and of a step's
// resolved definition (is this the step that was done?).
//
// A self-contained implementation (FIPS 180-4) so the journal needs no
// crypto library; it hashes a few kilobytes per run, so speed is no concern.
#pragma once

#include <string>
#include <string_view>

namespace runbook {

/// Incremental SHA-256: feed the pieces, then take the lowercase hex digest.
class Sha256 {
public:
   Sha256();
   void update(std::string_view data);
   /// Finishes the hash; the object must not be updated afterwards.
   std::string hex_digest();

private:
   void compress(const unsigned char* block);

   unsigned int state_[8];
   unsigned char buffer_[64];
   std::size_t buffered_ = 0;
   unsigned long long total_bytes_ = 0;
};

/// The lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace runbook
