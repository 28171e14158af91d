import DynamoModel
import Synchronization

/// Expressions already parsed and walked, by kind and text: both steps depend on nothing else, and
/// clients send the same few expressions again and again (a session store, one UpdateExpression
/// for every write). Only expressions that passed are kept, so every error still comes from the
/// parser or the walk. Resolving placeholders depends on each request and is never cached.
final class SyntaxCache<Syntax: Sendable>: Sendable {
    private struct Key: Hashable {
        let kind: ExpressionKind
        let text: String
    }

    /// Enough for any application's set of expressions; a client generating endless distinct ones
    /// empties it now and then rather than growing it.
    static var capacity: Int { 512 }

    private let entries = Mutex<[Key: Syntax]>([:])

    func syntax(_ kind: ExpressionKind, _ text: String, parse: () throws(DynamoError) -> Syntax) throws(DynamoError) -> Syntax {
        let key = Key(kind: kind, text: text)
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let syntax = try parse()
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = syntax
        }
        return syntax
    }

    var count: Int { entries.withLock { $0.count } }
}
