// SignalHandlers implementation.
#include "signal_handlers.h"

#include "flusher.h"

#include <csignal>
#include <cstring>

namespace csnake::rt {

namespace {
const int kSignals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTERM, SIGINT, SIGHUP};
struct sigaction g_old[65];

void onSignal(int sig, siginfo_t *info, void *ctx) {
  flushNow(trace::FlushReason::Signal, sig, true);
  const struct sigaction &old = g_old[sig];
  if (old.sa_flags & SA_SIGINFO) {
    if (old.sa_sigaction) {
      old.sa_sigaction(sig, info, ctx);
      return;
    }
  } else if (old.sa_handler == SIG_IGN) {
    return;
  } else if (old.sa_handler != SIG_DFL) {
    old.sa_handler(sig);
    return;
  }
  // Default action: restore it and re-raise (unblocked once we return for synchronous
  // faults, which re-execute the faulting instruction).
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  raise(sig);
}
}  // namespace

void installSignalHandlers() {
  for (int sig : kSignals) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = onSignal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    struct sigaction old;
    if (sigaction(sig, &sa, &old) != 0) continue;
    if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_IGN) {
      sigaction(sig, &old, nullptr);  // ignored stays ignored (e.g. nohup'd SIGHUP)
      continue;
    }
    g_old[sig] = old;
  }
}

}  // namespace csnake::rt
