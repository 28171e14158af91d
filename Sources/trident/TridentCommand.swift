import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

@main
struct TridentCommand: AsyncParsableCommand {
    static let version = "0.2.0"

    static let configuration = CommandConfiguration(
        commandName: "trident",
        abstract: "A local Amazon DynamoDB: the DynamoDB JSON API over LMDB, three simulated availability zones, real TTL and throttling.",
        version: version,
        subcommands: [Serve.self, Cost.self, Wait.self, Import.self, Export.self],
        defaultSubcommand: Serve.self
    )

    /// DynamoDB Local's flags are translated before parsing (`DynamoDBLocalArguments`).
    static func main() async {
        let translation = DynamoDBLocalArguments.translate(CommandLine.arguments)
        for notice in translation.notices {
            let line = Array("trident: \(notice)\n".utf8)
            _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        }
        await main(translation.arguments)
    }
}
