/* Benchmark: the same model as lattice.tcp. Four counters 0..N, each step increments one:
   (N+1)^4 states, 4*N*(N+1)^3 transitions. d_step makes each increment one transition. */
#define N 40
byte ax, ay, bx, by;
active proctype counters() {
end:
  do
  :: d_step { ax < N -> ax++ }
  :: d_step { ay < N -> ay++ }
  :: d_step { bx < N -> bx++ }
  :: d_step { by < N -> by++ }
  od
}
