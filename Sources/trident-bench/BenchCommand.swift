import ArgumentParser

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trident-bench",
        abstract: "Trident's benchmarks (run through `make bench`).",
        subcommands: [TTLSweep.self, EngineOps.self]
    )
}

struct TTLSweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ttl-sweep", abstract: "Cost of one TTL sweep over a large table.")

    @Option(help: "Live items in the table.")
    var items = 1_000_000

    @Option(help: "Items among them that expire.")
    var expiring = 1000

    func run() async throws {
        try await TTLSweepBenchmark.run(items: items, expiring: expiring)
    }
}

struct EngineOps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine", abstract: "The engine alone (no HTTP): time per operation of the bench workloads.")

    @Option(help: "Items preloaded.")
    var items = 100_000

    @Option(help: "Operations timed per workload.")
    var operations = 50_000

    @Option(help: "Availability zones (1 or 3).")
    var zones = 3

    @Flag(help: "Skip fsync (the journal is still written).")
    var notDurable = false

    func run() async throws {
        try await EngineBenchmark.run(items: items, operations: operations, zones: zones, durable: !notDurable)
    }
}
