import ArgumentParser
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// `trident wait`: for scripts and CI jobs — exits 0 once the server's health check answers.
struct Wait: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Wait until a Trident (or any DynamoDB-compatible endpoint) answers; exit 1 after the timeout.")

    @Option(help: "The server to wait for.")
    var endpoint = "http://127.0.0.1:8000"

    @Option(help: "Seconds to wait at most.")
    var timeout: Double = 30

    @Flag(help: "Print nothing.")
    var quiet = false

    func run() throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = "no answer"
        repeat {
            do {
                let (status, body) = try PlainHTTP.get(endpoint: endpoint, path: "/", timeout: max(0.2, min(2, deadline.timeIntervalSinceNow)))
                if status == 200 {
                    if !quiet { print("\(endpoint) is ready") }
                    return
                }
                last = "HTTP \(status): \(String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))"
            } catch {
                last = "\(error)"
            }
            usleep(100_000)
        } while Date() < deadline
        if !quiet { print("\(endpoint) did not answer within \(timeout) s (\(last))") }
        throw ExitCode(1)
    }
}
