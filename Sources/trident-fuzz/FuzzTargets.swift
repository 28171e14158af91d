import DynamoExpressions
import DynamoModel
import NIOCore
import NIOEmbedded
import NIOHTTP1

@testable import TridentEngine
@testable import TridentServer

/// The fuzz targets (`make fuzz`): each takes arbitrary bytes and must neither crash nor hang nor
/// grow without bound; `http` also checks the framer against SwiftNIO's HTTP decoder.
enum FuzzTargets {
    static func run(_ name: String, _ bytes: [UInt8]) {
        switch name {
        case "http": http(bytes)
        case "json": json(bytes)
        case "expressions": expressions(bytes)
        case "partiql": partiql(bytes)
        default: fatalError("unknown fuzz target \(name): http, json, expressions or partiql")
        }
    }

    // MARK: http — differential against NIOHTTP1

    struct Framed: Equatable {
        var method: String
        var uri: String
        var body: [UInt8]
    }

    /// Wherever NIOHTTP1 sees a whole request, the framer must see the same one or reject the bytes
    /// before it: never a different request boundary (that is how requests are smuggled).
    static func http(_ bytes: [UInt8]) {
        let ours = frame(bytes)
        let theirs = nioFrame(bytes)
        for (i, request) in ours.requests.enumerated() {
            guard i < theirs.requests.count else {
                // NIO rejected the bytes or wants more: we accepted a request NIO does not see whole.
                if theirs.failed { return }
                fatalError("framer ended request \(i) where NIOHTTP1 needs more bytes: \(request)")
            }
            precondition(request == theirs.requests[i], "framer and NIOHTTP1 disagree on request \(i): \(request) vs \(theirs.requests[i])")
        }
    }

    static func frame(_ bytes: [UInt8]) -> (requests: [Framed], failed: Bool) {
        var decoder = HTTPRequestFramer(maxBodyBytes: 1 << 20)
        var buffer = ByteBuffer(bytes: bytes)
        var out: [Framed] = []
        while true {
            guard let event = try? decoder.next(&buffer) else { return (out, buffer.readableBytes > 0) }
            switch event {
            case let .request(r): out.append(Framed(method: r.method.rawValue, uri: r.uri, body: r.body))
            case .continueExpected: continue
            case .bodyTooLarge, .discardedBody: return (out, true)
            }
        }
    }

    private final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        var requests: [Framed] = []
        var current: Framed?

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case let .head(head): current = Framed(method: head.method.rawValue, uri: head.uri, body: [])
            case var .body(buffer): current?.body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                if let current { requests.append(current) }
                current = nil
            }
        }
    }

    static func nioFrame(_ bytes: [UInt8]) -> (requests: [Framed], failed: Bool) {
        let collector = Collector()
        let channel = EmbeddedChannel()
        // Closing the channel breaks its pipeline's reference cycle, however decoding ended.
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        do {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
            try channel.pipeline.syncOperations.addHandler(collector)
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        } catch {
            return (collector.requests, true)
        }
        return (collector.requests, false)
    }

    // MARK: json — the DynamoDB-JSON reader

    static func json(_ bytes: [UInt8]) {
        guard case let .object(object)? = try? JSONReader.parse(bytes) else { return }
        var decoder = AttributeValueDecoder()
        guard let item = try? decoder.decodeMap(object), (try? decoder.check()) != nil else { return }
        // What was read writes back and reads again as the same item.
        var writer = JSONWriter()
        writer.item(item)
        guard case let .object(again)? = try? JSONReader.parse(writer.bytes) else { fatalError("written item does not parse") }
        var redecoder = AttributeValueDecoder()
        precondition((try? redecoder.decodeMap(again)) == item, "item changed through the writer")
        _ = ItemEncoding.encode(item)
    }

    // MARK: partiql — lexer, parser, translator into the expression language

    static let partiqlTable = TableDefinition(
        name: "t", id: "t", number: 1, arn: "arn", keySchema: KeySchema(partition: KeyElement(name: "pk", type: .string), sort: KeyElement(name: "sk", type: .number)),
        attributeDefinitions: [], creationDateTime: 0, billingMode: .payPerRequest, throughput: ProvisionedThroughput(readCapacityUnits: 0, writeCapacityUnits: 0))

    /// Whatever parses translates without crashing, and what it writes in the expression language parses there too.
    static func partiql(_ bytes: [UInt8]) {
        guard let (statement, count) = try? PartiQLParser.parse(String(decoding: bytes, as: UTF8.self)) else { return }
        let parameters = Array(repeating: JSONValue.object(JSONObject([.init(key: "S", value: .string("p"))])), count: count)
        var translator = PartiQLTranslator(parameters: parameters)
        guard let request = try? translator.request(for: statement, table: partiqlTable, consistentRead: false) else { return }
        var members: [String: JSONValue] = [:]
        for member in request.members { members[member.key] = member.value }
        var names: [String: String] = [:]
        if case let .object(o)? = members["ExpressionAttributeNames"] {
            for member in o.members { if case let .string(name) = member.value { names[member.key] = name } }
        }
        var values: [String: AttributeValue] = [:]
        if case let .object(o)? = members["ExpressionAttributeValues"] {
            var decoder = AttributeValueDecoder()
            for member in o.members { if let value = try? decoder.decode(member.value) { values[member.key] = value } }
        }
        // What the translator wrote is evaluated by the expression language's own resolver and evaluators.
        var resolver = ExpressionResolver(names: names, values: values)
        for key in ["KeyConditionExpression", "FilterExpression", "ConditionExpression"] {
            if case let .string(text)? = members[key], let condition = try? resolver.condition(text, kind: .condition) {
                _ = Evaluator.evaluate(condition, on: item)
            }
        }
        if case let .string(text)? = members["UpdateExpression"], let update = try? resolver.update(text) {
            _ = try? UpdateApplier.apply(update, to: item, key: ["k": .string("1")])
        }
        if case let .string(text)? = members["ProjectionExpression"], let paths = try? resolver.projection(text) { _ = Projection.project(item, paths) }
    }

    // MARK: expressions — lexer, parser, resolver, evaluators

    static let names = ["#a": "a", "#b": "b", "#c": "c"]
    static let values: [String: AttributeValue] = [
        ":n": .number(try! DynamoNumber(parsing: "1")), ":s": .string("x"), ":l": .list([.bool(true)]),
        ":m": .map(["k": .null]), ":ss": .stringSet(["p", "q"]),
    ]
    static let item: Item = [
        "a": .number(try! DynamoNumber(parsing: "7")), "b": .list([.string("y"), .map(["c": .string("z")])]), "c": .stringSet(["p"]),
    ]

    static func expressions(_ bytes: [UInt8]) {
        guard let kind = bytes.first else { return }
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        var resolver = ExpressionResolver(names: names, values: values)
        switch kind % 3 {
        case 0:
            if let condition = try? resolver.condition(text, kind: .condition) { _ = Evaluator.evaluate(condition, on: item) }
        case 1:
            if let update = try? resolver.update(text) { _ = try? UpdateApplier.apply(update, to: item, key: ["k": .string("1")]) }
        default:
            if let paths = try? resolver.projection(text) { _ = Projection.project(item, paths) }
        }
    }
}
