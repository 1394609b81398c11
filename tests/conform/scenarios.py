#!/usr/bin/env python3
"""One TCP scenario over loopback, for tests/conform/make_captures.sh (which records it with
tcpdump). Usage: scenarios.py NAME PORT. The client (endpoint A in tcpmc conform: it sends the
first SYN) connects from 127.0.0.1 to a server on 127.0.0.2:PORT. Pauses (time.sleep) only order
the two sides' actions so that each capture shows the exchange its name says; nothing here is a
test assertion."""
import socket
import struct
import sys
import threading
import time

SERVER = "127.0.0.2"
PAUSE = 0.2


def listener(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((SERVER, port))
    s.listen(4)
    return s


def client(port, src_port=0):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind(("127.0.0.1", src_port))
    c.connect((SERVER, port))
    return c


def connected(port):
    """A listener, a client connected to it, and the server's accepted socket."""
    ls = listener(port)
    c = client(port)
    s, _ = ls.accept()
    return ls, c, s


def abort(sock):
    """close() with SO_LINGER 0: the kernel sends RST instead of FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def read_all(sock):
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def exchange_and_close(c, s, reply=True):
    """A request from the client (and the server's reply), then the four-way close: the client
    closes, the server reads the EOF and closes a moment later."""
    c.sendall(b"hello")
    s.recv(100)
    time.sleep(PAUSE)
    if reply:
        s.sendall(b"world")
        c.recv(100)
        time.sleep(PAUSE)
    c.close()
    assert s.recv(100) == b""
    time.sleep(PAUSE)
    s.close()
    time.sleep(PAUSE)


def open_close(port):
    """Handshake, one request each way, a four-way close (the server waits before its CLOSE)."""
    ls, c, s = connected(port)
    exchange_and_close(c, s)


def ipv6_open_close(port):
    """open_close over IPv6 (::1): a request, the four-way close."""
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("::1", port))
    ls.listen(1)
    c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    c.connect(("::1", port))
    s, _ = ls.accept()
    exchange_and_close(c, s, reply=False)


def three_segment_close(port):
    """The server closes within the delayed-ACK time (40 ms and more on Linux) after the client's
    FIN arrived: its FIN carries the ACK of the client's FIN, so the close takes three segments.
    Linux delays that ACK only once the connection looks interactive (a request and a reply were
    exchanged, "pingpong" mode); right after the handshake it acknowledges at once."""
    ls, c, s = connected(port)
    c.sendall(b"request")
    s.recv(100)
    time.sleep(PAUSE)
    s.sendall(b"reply")
    c.recv(100)
    time.sleep(PAUSE)
    c.close()
    time.sleep(0.005)
    s.close()
    time.sleep(PAUSE)


def half_close(port):
    """The client sends a request and shuts its side down; the server answers after the EOF."""
    ls, c, s = connected(port)
    c.sendall(b"request")
    time.sleep(PAUSE)
    c.shutdown(socket.SHUT_WR)
    assert read_all(s) == b"request"
    time.sleep(PAUSE)
    s.sendall(b"answer after the client's FIN")
    time.sleep(PAUSE)
    s.close()
    read_all(c)
    time.sleep(PAUSE)
    c.close()
    time.sleep(PAUSE)


def abort_rst(port):
    """Established, then the client aborts (SO_LINGER 0): one RST."""
    ls, c, s = connected(port)
    time.sleep(PAUSE)
    abort(c)
    time.sleep(PAUSE)
    s.close()


def refused(port):
    """Nothing listens: the SYN draws RST,ACK."""
    try:
        client(port)
    except ConnectionRefusedError:
        pass


def simultaneous_close(port):
    """Both sides close at the same moment, from two threads (a race: make_captures.sh keeps
    trying until both FINs are sent before either is acknowledged)."""
    ls, c, s = connected(port)
    time.sleep(PAUSE)
    barrier = threading.Barrier(2)

    def close_it(sock):
        barrier.wait()
        sock.shutdown(socket.SHUT_WR)

    ts = [threading.Thread(target=close_it, args=(x,)) for x in (c, s)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    time.sleep(PAUSE)
    c.close()
    s.close()
    time.sleep(PAUSE)


def time_wait_reuse(port):
    """The server closes first and sits in TIME_WAIT; the client connects again from the same
    port, and Linux's TIME_WAIT accepts the new SYN (its sequence number is above the old one)."""
    ls = listener(port)
    c = client(port)
    src = c.getsockname()[1]
    s, _ = ls.accept()
    time.sleep(PAUSE)
    s.close()
    time.sleep(PAUSE)
    assert c.recv(10) == b""
    c.close()
    time.sleep(PAUSE)
    c2 = client(port, src)
    s2, _ = ls.accept()
    time.sleep(PAUSE)
    c2.close()
    read_all(s2)
    time.sleep(PAUSE)
    s2.close()
    time.sleep(PAUSE)


def bulk(port):
    """1 MB from the client to the server in segments of at most 1448 octets (an Ethernet MSS,
    TCP_MAXSEG), into a receive buffer of 32 KB (SO_RCVBUF, so that a few dozen segments are in
    flight at most), then the close."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
    ls.bind((SERVER, port))
    ls.listen(1)
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1448)
    c.bind(("127.0.0.1", 0))
    c.connect((SERVER, port))
    s, _ = ls.accept()
    total = [0]

    def sink():
        total[0] = len(read_all(s))

    t = threading.Thread(target=sink)
    t.start()
    c.sendall(b"x" * (1 << 20))
    c.shutdown(socket.SHUT_WR)
    t.join()
    assert total[0] == 1 << 20
    time.sleep(PAUSE)
    s.close()
    time.sleep(PAUSE)
    c.close()
    time.sleep(PAUSE)


def unread_close(port):
    """The server closes with the client's data still unread: Linux sends RST, not FIN
    (RFC 2525 §2.17; RFC 9293 would send a FIN)."""
    ls, c, s = connected(port)
    c.sendall(b"never read")
    time.sleep(PAUSE)
    s.close()
    time.sleep(PAUSE)
    c.close()
    time.sleep(PAUSE)


def syn_rst_race(port):
    """The client aborts the moment connect() returns, while the server has not accepted yet:
    SYN, SYN,ACK, ACK, then at once the RST; the server's accept() then finds a reset connection."""
    ls = listener(port)
    c = client(port)
    abort(c)
    time.sleep(PAUSE)
    try:
        s, _ = ls.accept()
        s.close()
    except OSError:
        pass
    time.sleep(PAUSE)


if __name__ == "__main__":
    globals()[sys.argv[1]](int(sys.argv[2]))
