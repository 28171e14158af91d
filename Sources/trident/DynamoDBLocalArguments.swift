/// DynamoDB Local's command line as aliases, so a compose file, a Testcontainers set-up or a CI
/// service written for `amazon/dynamodb-local` runs Trident unchanged: `java`, JVM options and
/// `-jar DynamoDBLocal.jar` are skipped, `-port`, `-inMemory`, `-dbPath`, `-cors`,
/// `-delayTransientStatuses`, `-help` and `-version` become Trident's flags, and the flags with no
/// effect here say so in one line. Any of them switches on DynamoDB Local's defaults (CORS for
/// any origin) and its start-up banner, which log-line wait strategies look for.
enum DynamoDBLocalArguments {
    struct Translation: Equatable {
        var arguments: [String]
        var notices: [String] = []
        var isDynamoDBLocal = false
    }

    /// How long `-delayTransientStatuses` keeps tables in CREATING, UPDATING and DELETING.
    static let transientSeconds = "5"

    static func translate(_ argv: [String]) -> Translation {
        var rest = Array(argv.dropFirst())
        var local = (argv.first?.split(separator: "/").last).map { $0 == "java" } ?? false
        if rest.first == "java" {
            rest.removeFirst()
            local = true
        }
        var out = Translation(arguments: [])
        var i = 0
        func value() -> String? {
            guard i + 1 < rest.count else { return nil }
            i += 1
            return rest[i]
        }
        while i < rest.count {
            let token = rest[i]
            defer { i += 1 }
            switch token.lowercased() {
            case "-jar":
                local = true
                _ = value()
            case let jvm where (jvm.hasPrefix("-d") && jvm.contains("=")) || jvm.hasPrefix("-xm") || jvm.hasPrefix("-xs"):
                local = true  // -Djava.library.path=./DynamoDBLocal_lib, -Xmx512m, …
            case "-port":
                local = true
                out.arguments += ["--port"] + (value().map { [$0] } ?? [])
            case "-inmemory":
                local = true
                out.arguments.append("--in-memory")
            case "-dbpath":
                local = true
                out.arguments += ["--data-dir"] + (value().map { [$0] } ?? [])
            case "-cors":
                local = true
                out.arguments += ["--cors"] + (value().map { [$0] } ?? [])
            case "-delaytransientstatuses":
                local = true
                out.arguments += ["--transient-status-seconds", transientSeconds]
            case "-shareddb":
                local = true
                out.notices.append("-sharedDb: Trident always keeps one database for every access key and region")
            case "-optimizedbbeforestartup":
                local = true
                out.notices.append("-optimizeDbBeforeStartup has no effect: Trident's data file needs no optimising")
            case "-disabletelemetry":
                local = true
                out.notices.append("-disableTelemetry has no effect: Trident sends no telemetry")
            case "-help":
                out.arguments.append("--help")
            case "-version":
                out.arguments.append("--version")
            default:
                out.arguments.append(token)
            }
        }
        out.isDynamoDBLocal = local
        guard local, !out.arguments.contains("--help"), !out.arguments.contains("--version") else { return out }
        if !out.arguments.contains("--cors") { out.arguments += ["--cors", "*"] }
        out.arguments.append("--dynamodb-local-banner")
        return out
    }
}
