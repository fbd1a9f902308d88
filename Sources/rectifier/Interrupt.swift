#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Ctrl-C handling: the first SIGINT (or SIGTERM, which Slurm sends to a preempted or
/// cancelled task) asks the training loop to stop at the next step (it then saves a
/// checkpoint); a second one terminates at once.
enum Interrupt {
    private static let flag = Atomic<Bool>(false)

    /// Whether a SIGINT arrived since `install`.
    static var requested: Bool { flag.load(ordering: .relaxed) }

    static func install() {
        // A parent may have started us with SIGINT blocked (test runners do); unblock it.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for s in [SIGINT, SIGTERM] {
            signal(s) { received in
                Interrupt.flag.store(true, ordering: .relaxed)
                signal(received, SIG_DFL)  // a second one ends the process
            }
        }
    }
}
