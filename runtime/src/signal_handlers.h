// SignalHandlers: on a fatal signal (SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTERM,
// SIGINT, SIGHUP) write the trace, then hand the signal on: a previous handler function
// is called (sa_handler or sa_sigaction, as it was installed) and ours stays; a previous
// SIG_DFL is restored and the signal re-raised, so the process dies with the same status.
// SIG_IGN stays ignored. A target installing its own handler later replaces ours; the
// periodic and exit flushes still cover it.
#pragma once

namespace csnake::rt {

void installSignalHandlers();

}  // namespace csnake::rt
