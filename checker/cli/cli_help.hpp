// The text of `tcpmc --version` and of the help footers (an example and the exit codes per
// command). Kept apart from main.cpp so that the argument wiring stays short; the man page
// (tcpmc.1) says the same in more words.
#pragma once
#include <string>

#ifndef TCPMC_GIT_DESCRIBE
#define TCPMC_GIT_DESCRIBE "unknown"
#endif
#ifndef TCPMC_VERSION
#define TCPMC_VERSION "0.0.0"
#endif

namespace tcpmc::cli {

// "tcpmc 0.1.0 (git 1845876-dirty)": the commit is `git describe --always --dirty` at configure
// time, "unknown" outside a git checkout.
inline std::string version_text() { return std::string("tcpmc ") + TCPMC_VERSION + " (git " + TCPMC_GIT_DESCRIBE + ")"; }

inline std::string exit_codes_text() {
  return "Exit codes:\n"
         "  0   every verdict as the specs expect\n"
         "  10  some verdict differs from the spec's expect\n"
         "  5   some property inconclusive (a limit stopped the search, or interrupted)\n"
         "  1   usage error (unknown option, command, -D constant or property)\n"
         "  2   bad spec, unreadable input, a model error found while exploring, or output that\n"
         "      cannot be written (full disk, failing stdout, a target that is not a regular file)\n"
         "  6   internal error (a bug in tcpmc)\n"
         "When several apply, the first in this order wins: 6, 2, 1, 10, 5.";
}

inline std::string main_footer() {
  return "Example:\n  tcpmc check specs/            check every spec, exit 0 when all are as expected\n"
         "Run 'tcpmc COMMAND --help' for a command's options; 'man tcpmc' for more.\n\n" +
         exit_codes_text();
}

inline std::string check_footer() {
  return "Examples:\n"
         "  tcpmc check specs/rfc9293.tcp --loss 2 --json result.json\n"
         "  tcpmc check specs/no_time_wait.tcp --trace no_rst_for_retransmitted_fin --svg cex.svg\n"
         "  tcpmc check specs/rfc9293.tcp --engine kind --depth 10\n\n" +
         exit_codes_text();
}

inline std::string report_footer() {
  return "Example:\n  tcpmc report specs/ --out reports\n\n" + exit_codes_text();
}

inline std::string diff_footer() {
  return "Example:\n  tcpmc diff specs/rfc9293.tcp edited.tcp\n\n"
         "Exit codes: 0 nothing differs, 10 something does, 1 usage error, 2 bad spec, 6 internal error.";
}

inline std::string regress_footer() {
  return "Example:\n  tcpmc regress --baseline reports --specs specs\n\n"
         "Exit codes: 0 every spec agrees with its baseline, 10 some differ (printed), 1 usage error,\n"
         "2 a baseline or spec cannot be read, 5 interrupted, 6 internal error.";
}

inline std::string sweep_footer() {
  return "Example:\n  tcpmc sweep specs/rfc9293.tcp -D TIME_WAIT_TICKS=0..4\n\n" + exit_codes_text();
}

inline std::string simulate_footer() {
  return "Example:\n  tcpmc simulate specs/no_time_wait.tcp --seed 1 --runs 1000 --steps 200\n\n"
         "A simulation finds violations (real runs, not necessarily shortest) but cannot show that a\n"
         "property holds: an unviolated property is 'not violated in N runs'.\n"
         "Exit codes:\n"
         "  0   no property expected to hold was violated, and each one expected to be violated was\n"
         "  10  a property the spec expects to hold was violated\n"
         "  5   a property expected to be violated was not (inconclusive), or interrupted\n"
         "  1   usage error; 2 bad spec or model error; 6 internal error";
}

inline std::string conform_footer() {
  return "Example:\n  tcpmc conform specs/rfc9293.tcp tests/conform/captures/open_close.pcap --svg open_close.svg\n\n"
         "Each TCP connection of the capture (A: the sender of its first SYN) is admitted when some run\n"
         "of the spec sends exactly its segments, in capture order (arrivals, ticks, and losses and\n"
         "duplications within --loss/--dup are hidden steps); otherwise it is rejected at the first\n"
         "segment the spec cannot explain. README.md ('Checking a capture') states the abstraction.\n"
         "Exit codes:\n"
         "  0   every connection checked is admitted\n"
         "  10  a connection is rejected\n"
         "  5   --max-states stopped the search before an answer\n"
         "  1   usage error; 2 unreadable capture (not pcap, no TCP, truncated) or bad spec; 6 internal error";
}

inline std::string export_footer() {
  return "Example:\n  tcpmc export --promela specs/rfc9293.tcp -D MAX_DATA=0 -o rfc9293.pml\n"
         "  spin -o2 -a rfc9293.pml && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -c0 -m100000000\n\n"
         "SPIN stores exactly the states tcpmc stores (same fault budget and bounds) and reaches the same\n"
         "verdicts: 'assertion violated invariant_NAME' (or stuck_NAME) is a violated property,\n"
         "'reached_NAME' the witness of a reachable one. spin -o2 keeps write-only ghosts in the state;\n"
         "pan -c0 goes on after a violation. Temporal and coverage properties and model errors are not\n"
         "exported. Sequence numbers of at most 30 bits.\n"
         "Exit codes:\n"
         "  0   written\n"
         "  1   usage error (an unknown option or property)\n"
         "  2   the spec does not load or cannot be exported, or FILE cannot be written";
}

inline std::string prove_footer() {
  return "Examples:\n"
         "  tcpmc prove specs/rfc9293.tcp -D SEQ_BITS=32\n"
         "  tcpmc prove specs/rfc9293.tcp -D SEQ_BITS=32 --property handshake_agreement --proof specs/rfc9293.prove.tcp\n\n"
         "Samples reachable states with the explicit engine at SEQ_BITS=3 and 4 (--samples-from; the\n"
         "sampled bounds are printed), keeps the template candidates true in all of them, weakens them\n"
         "with Z3 first at the smallest sampling width, where Z3 is quick (--narrow-bits; 0: not), in\n"
         "rounds that try the weaker candidates the dropped ones hid (--weaken-rounds, default 4) and,\n"
         "with --block-rounds N, rounds that block each counterexample to induction with a lemma no\n"
         "sampled state violates (best with a complete sample: --sample-states 0), then\n"
         "until they are inductive at the target (Houdini, k=1, one question per action of the\n"
         "relation, each bit-blasted for Z3's SAT solver; --per-action: the cores' questions too;\n"
         "shared by -j workers, one per core by\n"
         "default, each asking about its share of the actions; the ISNs as the spec allows them:\n"
         "-D ISN_MAX=-1 frees every ISN of rfc9293), prints per\n"
         "invariant proved (with the lemmas that suffice) or not proved (with a counterexample to\n"
         "induction), and re-checks the printed proof from scratch by k-induction (k=1).\n"
         "Exit codes:\n"
         "  0   every selected invariant the spec expects to hold is proved\n"
         "  1   usage error (an unknown option or property, a malformed --samples-from)\n"
         "  2   the spec does not load\n"
         "  5   some invariant is not proved (or Z3 gave up, or the run was interrupted)\n"
         "  6   internal error: the re-check did not confirm a proof, or a run failed replay\n"
         "  10  an invariant the spec expects to be violated was proved";
}

inline std::string mutate_footer() {
  return "Examples:\n"
         "  tcpmc mutate specs/rfc9293.tcp -j2 --loss 0 --dup 0 --no-reorder\n"
         "  tcpmc mutate specs/rfc9293.tcp --operators drop-send,flag --json mutants.json --out mutation\n\n"
         "Each mutant changes one site of one rule (ghost statements and properties are never changed)\n"
         "and is checked with the spec's options: killed (a verdict changed), survived, probably\n"
         "equivalent (same states, transitions and verdicts; or a change to a rule that never fires),\n"
         "invalid (a model error) or inconclusive (a limit). Score: killed / (not equivalent, not invalid).\n"
         "Exit codes: 0 done (the score is information), 1 usage error (unknown operator or property),\n"
         "2 bad spec or a model error in the original, 5 interrupted (summary so far), 6 internal error.";
}

}  // namespace tcpmc::cli
