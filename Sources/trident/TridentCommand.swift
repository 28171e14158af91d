import ArgumentParser

@main
struct TridentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trident",
        abstract: "A local Amazon DynamoDB: the DynamoDB JSON API over LMDB, three simulated availability zones, real TTL and throttling.",
        subcommands: [Serve.self, Cost.self],
        defaultSubcommand: Serve.self
    )
}
