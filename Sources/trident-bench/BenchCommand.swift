import ArgumentParser

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trident-bench",
        abstract: "Trident's benchmarks (run through `make bench`).",
        subcommands: [TTLSweep.self]
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
