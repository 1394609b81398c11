// RFC 9293 Figure 5, the TCP connection state diagram, as data: its 19 edges with the event that
// labels each. Used to check that a spec reaches every edge, and to draw reached edges that the
// figure does not have differently.
#pragma once
#include <string>
#include <vector>

namespace tcpmc {

struct Figure5Edge {
  const char* from;
  const char* to;
  const char* kind;   // the rule kind that takes this edge in a spec: "call", "recv" or "timeout"
  const char* label;  // the figure's label
};

inline const std::vector<Figure5Edge>& figure5_edges() {
  static const std::vector<Figure5Edge> edges = {
      {"CLOSED", "LISTEN", "call", "passive OPEN / create TCB"},
      {"CLOSED", "SYN_SENT", "call", "active OPEN / create TCB, snd SYN"},
      {"LISTEN", "CLOSED", "call", "CLOSE / delete TCB"},
      {"LISTEN", "SYN_RECEIVED", "recv", "rcv SYN / snd SYN,ACK"},
      {"LISTEN", "SYN_SENT", "call", "SEND / snd SYN"},
      {"SYN_SENT", "CLOSED", "call", "CLOSE / delete TCB"},
      {"SYN_SENT", "SYN_RECEIVED", "recv", "rcv SYN / snd SYN,ACK"},
      {"SYN_SENT", "ESTABLISHED", "recv", "rcv SYN,ACK / snd ACK"},
      {"SYN_RECEIVED", "ESTABLISHED", "recv", "rcv ACK of SYN"},
      {"SYN_RECEIVED", "FIN_WAIT_1", "call", "CLOSE / snd FIN"},
      {"ESTABLISHED", "FIN_WAIT_1", "call", "CLOSE / snd FIN"},
      {"ESTABLISHED", "CLOSE_WAIT", "recv", "rcv FIN / snd ACK"},
      {"FIN_WAIT_1", "FIN_WAIT_2", "recv", "rcv ACK of FIN"},
      {"FIN_WAIT_1", "CLOSING", "recv", "rcv FIN / snd ACK"},
      {"CLOSE_WAIT", "LAST_ACK", "call", "CLOSE / snd FIN"},
      {"FIN_WAIT_2", "TIME_WAIT", "recv", "rcv FIN / snd ACK"},
      {"CLOSING", "TIME_WAIT", "recv", "rcv ACK of FIN"},
      {"LAST_ACK", "CLOSED", "recv", "rcv ACK of FIN"},
      {"TIME_WAIT", "CLOSED", "timeout", "Timeout=2MSL / delete TCB"},
  };
  return edges;
}

}  // namespace tcpmc
