import ClusterdNetworking
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the TLS certificate and key on SIGHUP (both ports share the context): new connections get the new
/// certificate, open ones keep theirs; files that do not load leave the old certificate in place and are logged.
/// Without TLS a SIGHUP is only logged, so it never ends the process.
struct CertificateReloader: Service {
    /// The servers' shared TLS context; nil when TLS is off.
    let context: ServerTLSContext?
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            guard let context else {
                logger.info("SIGHUP: TLS is off, nothing to reload")
                continue
            }
            do {
                try context.reload()
                logger.info("SIGHUP: reloaded the TLS certificate \(context.configuration.certificateFile)")
            } catch {
                logger.error("SIGHUP: kept the current TLS certificate: \(error)")
            }
        }
    }
}
