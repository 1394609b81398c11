// RFC 9293's state changes that Figure 5 does not draw, as data next to figure5.hpp: the edges
// that the event processing rules (§3.10) specify -- RST processing, ABORT, the user timeout, a
// FIN or a queued CLOSE carried along by the segment that completes a handshake, a SYN in
// SYN_RECEIVED or TIME_WAIT -- each with its section. Figure 5 "is only a summary"; a reached
// endpoint edge that is neither in Figure 5 nor here is one the RFC does not allow at all.
//
// A table edge matches a reached transition when the states and the rule kind agree and, where
// `flag` is set, the (recv) rule's guard requires that segment flag (a top-level conjunct `s.RST`):
// RST processing is told from other arrivals by the RST bit the rule tests, not by its name.
//
// Deliberately absent: the user timeout (§3.10.8) in LISTEN, FIN_WAIT_2 and TIME_WAIT, where
// nothing sent is awaiting acknowledgment, so no user timeout (§3.8.3 R2, §3.9.1.2) can run out --
// a FIN_WAIT_2 timer that deletes the TCB (BSD, Linux tcp_fin_timeout) is not RFC 9293; the
// security/compartment mismatch (§3.10.7.4 third), which no spec here can model.
#pragma once
#include <vector>

namespace tcpmc {

struct Rfc9293Edge {
  const char* from;
  const char* to;
  const char* kind;     // the rule kind: "call", "recv" or "timeout"
  const char* flag;     // recv: a flag the rule's guard must require ("RST", "SYN"), or nullptr
  const char* section;  // where RFC 9293 specifies it
  const char* label;    // the event, in the RFC's words
};

inline const std::vector<Rfc9293Edge>& rfc9293_extra_edges() {
  static const std::vector<Rfc9293Edge> edges = {
      // §3.10.4 CLOSE in SYN_RECEIVED with data pending is queued "for processing after entering
      // ESTABLISHED": the ACK of the SYN then takes the connection on to FIN_WAIT_1.
      {"SYN_RECEIVED", "FIN_WAIT_1", "recv", nullptr, "§3.10.4, §3.10.7.4", "rcv ACK of SYN / snd queued FIN"},
      // §3.10.5 ABORT: every state with a TCB enters CLOSED (with a RST where synchronized).
      {"LISTEN", "CLOSED", "call", nullptr, "§3.10.5", "ABORT"},
      {"SYN_SENT", "CLOSED", "call", nullptr, "§3.10.5", "ABORT"},
      {"SYN_RECEIVED", "CLOSED", "call", nullptr, "§3.10.5", "ABORT / snd RST"},
      {"ESTABLISHED", "CLOSED", "call", nullptr, "§3.10.5", "ABORT / snd RST"},
      {"FIN_WAIT_1", "CLOSED", "call", nullptr, "§3.10.5", "ABORT / snd RST"},
      {"FIN_WAIT_2", "CLOSED", "call", nullptr, "§3.10.5", "ABORT / snd RST"},
      {"CLOSE_WAIT", "CLOSED", "call", nullptr, "§3.10.5", "ABORT / snd RST"},
      {"CLOSING", "CLOSED", "call", nullptr, "§3.10.5", "ABORT"},
      {"LAST_ACK", "CLOSED", "call", nullptr, "§3.10.5", "ABORT"},
      {"TIME_WAIT", "CLOSED", "call", nullptr, "§3.10.5", "ABORT"},
      // §3.10.7.3 SYN-SENT: a RST with an acceptable ACK ("connection reset"); a SYN,ACK that
      // also carries a FIN enters ESTABLISHED and goes on to the FIN check (§3.10.7.4 eighth).
      {"SYN_SENT", "CLOSED", "recv", "RST", "§3.10.7.3", "rcv RST,ACK / connection reset"},
      {"SYN_SENT", "CLOSE_WAIT", "recv", nullptr, "§3.10.7.3, §3.10.7.4", "rcv SYN,ACK,FIN / snd ACK"},
      // §3.10.7.4 second, check the RST bit.
      {"SYN_RECEIVED", "LISTEN", "recv", "RST", "§3.10.7.4", "rcv RST (passive OPEN)"},
      {"SYN_RECEIVED", "CLOSED", "recv", "RST", "§3.10.7.4", "rcv RST (active OPEN) / connection refused"},
      {"ESTABLISHED", "CLOSED", "recv", "RST", "§3.10.7.4", "rcv RST / connection reset"},
      {"FIN_WAIT_1", "CLOSED", "recv", "RST", "§3.10.7.4", "rcv RST / connection reset"},
      {"FIN_WAIT_2", "CLOSED", "recv", "RST", "§3.10.7.4", "rcv RST / connection reset"},
      {"CLOSE_WAIT", "CLOSED", "recv", "RST", "§3.10.7.4", "rcv RST / connection reset"},
      {"CLOSING", "CLOSED", "recv", "RST", "§3.10.7.4", "rcv RST"},
      {"LAST_ACK", "CLOSED", "recv", "RST", "§3.10.7.4", "rcv RST"},
      {"TIME_WAIT", "CLOSED", "recv", "RST", "§3.10.7.4", "rcv RST"},
      // §3.10.7.4 fourth, check the SYN bit: SYN_RECEIVED from a passive OPEN returns to LISTEN;
      // without RFC 5961 a SYN in a synchronized state resets the connection (RFC 793 behaviour);
      // TIME_WAIT may accept a new connection (§3.6.1 MAY-2, RFC 6191).
      {"SYN_RECEIVED", "LISTEN", "recv", "SYN", "§3.10.7.4", "rcv SYN (passive OPEN)"},
      {"SYN_RECEIVED", "CLOSED", "recv", "SYN", "§3.10.7.4", "rcv SYN / snd RST (without RFC 5961)"},
      {"ESTABLISHED", "CLOSED", "recv", "SYN", "§3.10.7.4", "rcv SYN / snd RST (without RFC 5961)"},
      {"FIN_WAIT_1", "CLOSED", "recv", "SYN", "§3.10.7.4", "rcv SYN / snd RST (without RFC 5961)"},
      {"FIN_WAIT_2", "CLOSED", "recv", "SYN", "§3.10.7.4", "rcv SYN / snd RST (without RFC 5961)"},
      {"CLOSE_WAIT", "CLOSED", "recv", "SYN", "§3.10.7.4", "rcv SYN / snd RST (without RFC 5961)"},
      {"CLOSING", "CLOSED", "recv", "SYN", "§3.10.7.4", "rcv SYN / snd RST (without RFC 5961)"},
      {"LAST_ACK", "CLOSED", "recv", "SYN", "§3.10.7.4", "rcv SYN / snd RST (without RFC 5961)"},
      {"TIME_WAIT", "CLOSED", "recv", "SYN", "§3.10.7.4", "rcv SYN / snd RST (without RFC 5961)"},
      {"TIME_WAIT", "SYN_RECEIVED", "recv", "SYN", "§3.6.1, §3.10.7.4", "rcv SYN / new incarnation, snd SYN,ACK"},
      // §3.10.7.4 fifth and eighth: the segment that acknowledges our SYN or FIN also carries a FIN.
      {"SYN_RECEIVED", "CLOSE_WAIT", "recv", nullptr, "§3.10.7.4", "rcv ACK of SYN,FIN / snd ACK"},
      {"FIN_WAIT_1", "TIME_WAIT", "recv", nullptr, "§3.10.7.4", "rcv ACK of FIN,FIN / snd ACK"},
      // §3.10.8 USER TIMEOUT: "for any state", in the states where something sent can still be
      // unacknowledged.
      {"SYN_SENT", "CLOSED", "timeout", nullptr, "§3.10.8", "user timeout"},
      {"SYN_RECEIVED", "CLOSED", "timeout", nullptr, "§3.10.8", "user timeout"},
      {"ESTABLISHED", "CLOSED", "timeout", nullptr, "§3.10.8", "user timeout"},
      {"FIN_WAIT_1", "CLOSED", "timeout", nullptr, "§3.10.8", "user timeout"},
      {"CLOSE_WAIT", "CLOSED", "timeout", nullptr, "§3.10.8", "user timeout"},
      {"CLOSING", "CLOSED", "timeout", nullptr, "§3.10.8", "user timeout"},
      {"LAST_ACK", "CLOSED", "timeout", nullptr, "§3.10.8", "user timeout"},
  };
  return edges;
}

}  // namespace tcpmc
