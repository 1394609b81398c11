#include "wide_moves.hpp"

#include <algorithm>

namespace tcpmc {

WideMoves::WideMoves(const CompiledSystem& sys) : sys_(sys) {
  const ir::Model& m = sys.model();
  const StateLayout& L = sys.layout();
  const int bits = m.seq_bits;
  mask_ = bits >= 32 ? 0xffffffffu : bits > 0 ? static_cast<uint32_t>((uint64_t{1} << bits) - 1) : 1u;
  const auto& inst = sys.instances();
  for (size_t i = 0; i < inst.size(); ++i) {
    if (inst[i].kind == ir::Rule::Kind::Timeout) timeouts_.push_back(static_cast<int>(i));
    if (inst[i].kind != ir::Rule::Kind::Call) continue;
    calls_.push_back(static_cast<int>(i));
    std::vector<std::vector<int32_t>> per_param;
    for (const auto& [lo, hi] : inst[i].param_ranges) {
      std::vector<int32_t> vals;
      if (hi - lo < kMaxEnumeratedParam)
        for (int64_t v = lo; v <= hi; ++v) vals.push_back(static_cast<int32_t>(v));
      per_param.push_back(std::move(vals));
    }
    small_values_.push_back(std::move(per_param));
  }
  for (int ep = 0; ep < 2; ++ep)
    for (size_t v = 0; v < m.endpoint_vars.size(); ++v)
      if (m.endpoint_vars[v].type.kind == ir::Type::Kind::Seq) seq_slots_.push_back(L.ep_var(ep, static_cast<int>(v)));
  for (size_t g = 0; g < m.global_vars.size(); ++g)
    if (m.global_vars[g].type.kind == ir::Type::Kind::Seq) seq_slots_.push_back(L.global_var(static_cast<int>(g)));
  for (size_t f = 0; f < m.seg_fields.size(); ++f)
    if (m.seg_fields[f].type.kind == ir::Type::Kind::Seq && !m.seg_fields[f].is_flag) seq_fields_.push_back(static_cast<int>(f));
}

std::vector<int32_t> WideMoves::seq_pool(const int32_t* s, const std::vector<int32_t>& extra) const {
  const StateLayout& L = sys_.layout();
  std::vector<uint32_t> base = {0u, 1u, (mask_ >> 1) + 1, mask_};
  for (int slot : seq_slots_) base.push_back(static_cast<uint32_t>(s[slot]));
  for (int chan = 0; chan < 2; ++chan)
    for (int pos = 0, n = s[L.chan_count(chan)]; pos < n; ++pos)
      for (int f : seq_fields_) base.push_back(static_cast<uint32_t>(s[L.seg_base(chan, pos) + f]));
  std::vector<uint32_t> all;
  for (uint32_t v : base)
    for (uint32_t d : {0u, 1u, 2u, mask_}) all.push_back((v + d) & mask_);  // v, v+1, v+2, v-1
  for (int32_t v : extra) all.push_back(static_cast<uint32_t>(v) & mask_);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return std::vector<int32_t>(all.begin(), all.end());
}

}  // namespace tcpmc
