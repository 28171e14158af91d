import DynamoModel

/// Applies an update to an item as DynamoDB does: every right-hand side is computed from the item
/// as it was before, then all actions apply together. List indexes name positions in the original
/// list (removals shift what follows; SET at or past the end appends, in index order), nested
/// paths need their parent to exist, ADD creates what is missing, DELETE of a set's last members
/// removes the attribute. A pure function: it may run more than once.
public enum UpdateApplier {
    /// The new item, or nil when the item did not exist and the update creates nothing (only REMOVE
    /// and DELETE actions). `key` seeds a new item.
    public static func apply(_ update: Update, to old: Item?, key: Item) throws(DynamoError) -> Item? {
        let before = old ?? [:]
        if old == nil && !update.actions.isEmpty && update.actions.allSatisfy({ $0.isRemoval }) { return nil }

        var changes = ChangeTree()
        for action in update.actions {
            let change: Change
            switch action {
            case let .set(_, operand): change = .set(try evaluate(operand, in: before))
            case .remove: change = .remove
            case let .add(_, value): change = .add(value)
            case let .delete(_, value): change = .delete(value)
            }
            changes.insert(change, at: action.path.elements)
        }
        return try applyMap(old ?? key, changes.root, legacy: update.legacy)
    }

    /// A right-hand side's value; a missing path is an error here (unlike in conditions).
    static func evaluate(_ operand: Operand, in item: Item) throws(DynamoError) -> AttributeValue {
        switch operand {
        case let .path(path):
            guard let v = Evaluator.value(at: path, in: item) else { throw ExpressionError.missingAttribute }
            return v
        case let .value(v):
            return v
        case let .ifNotExists(path, fallback):
            if let v = Evaluator.value(at: path, in: item) { return v }
            return try evaluate(fallback, in: item)
        case let .listAppend(a, b):
            guard case let .list(x) = try evaluate(a, in: item), case let .list(y) = try evaluate(b, in: item) else {
                throw ExpressionError.incorrectDataType
            }
            return .list(x + y)
        case let .add(a, b), let .subtract(a, b):
            guard case let .number(x) = try evaluate(a, in: item), case let .number(y) = try evaluate(b, in: item) else {
                throw ExpressionError.incorrectDataType
            }
            do {
                if case .add = operand { return .number(try x.adding(y)) }
                return .number(try x.subtracting(y))
            } catch {
                throw arithmeticError(error)
            }
        case .size:
            // The walk refuses size() in updates; nothing reaches here.
            throw ExpressionError.incorrectDataType
        }
    }

    /// DynamoDB reports a sum that loses digits with the overflow message too.
    static func arithmeticError(_ failure: DynamoNumber.Failure) -> DynamoError {
        failure == .underflow ? .numberUnderflow : .numberOverflow
    }

    // MARK: the change tree

    indirect enum Change {
        case set(AttributeValue)
        case remove
        case add(AttributeValue)
        case delete(AttributeValue)
        case nested([PathElement: Change])
    }

    /// Paths never overlap (the resolver refuses it), so every action owns one leaf.
    struct ChangeTree {
        var root: [PathElement: Change] = [:]

        mutating func insert(_ change: Change, at path: [PathElement]) {
            Self.insert(change, at: path[...], into: &root)
        }

        private static func insert(_ change: Change, at path: ArraySlice<PathElement>, into node: inout [PathElement: Change]) {
            let head = path.first!
            if path.count == 1 {
                node[head] = change
                return
            }
            var children: [PathElement: Change] = [:]
            if case let .nested(existing)? = node[head] { children = existing }
            insert(change, at: path.dropFirst(), into: &children)
            node[head] = .nested(children)
        }
    }

    private static func applyMap(_ map: [String: AttributeValue], _ changes: [PathElement: Change], legacy: Bool) throws(DynamoError) -> [String:
        AttributeValue]
    {
        var result = map
        for (element, change) in changes {
            guard case let .attribute(name) = element else { throw ExpressionError.invalidPathForUpdate }
            result[name] = try applyChange(change, to: map[name], legacy: legacy)
        }
        return result
    }

    /// The new value of one slot (nil removes it).
    private static func applyChange(_ change: Change, to existing: AttributeValue?, legacy: Bool) throws(DynamoError) -> AttributeValue? {
        switch change {
        case let .set(v): return v
        case .remove: return nil
        case let .add(v): return try add(v, to: existing, legacy: legacy)
        case let .delete(v): return try delete(v, from: existing, legacy: legacy)
        case let .nested(children):
            guard let existing else { throw ExpressionError.invalidPathForUpdate }
            return try applyNested(existing, children, legacy: legacy)
        }
    }

    private static func applyNested(_ value: AttributeValue, _ children: [PathElement: Change], legacy: Bool) throws(DynamoError) -> AttributeValue {
        switch value {
        case let .map(m): return .map(try applyMap(m, children, legacy: legacy))
        case let .list(l): return .list(try applyList(l, children, legacy: legacy))
        default: throw ExpressionError.invalidPathForUpdate
        }
    }

    private static func applyList(_ list: [AttributeValue], _ changes: [PathElement: Change], legacy: Bool) throws(DynamoError) -> [AttributeValue] {
        var result: [AttributeValue] = []
        result.reserveCapacity(list.count)
        var beyond: [(Int, Change)] = []
        for (element, change) in changes {
            guard case let .index(i) = element else { throw ExpressionError.invalidPathForUpdate }
            if i >= list.count { beyond.append((i, change)) }
        }
        for (i, value) in list.enumerated() {
            if let change = changes[.index(i)] {
                if let updated = try applyChange(change, to: value, legacy: legacy) { result.append(updated) }
            } else {
                result.append(value)
            }
        }
        // Past the end: SET and ADD append in index order; REMOVE and DELETE find nothing there.
        for (_, change) in beyond.sorted(by: { $0.0 < $1.0 }) {
            switch change {
            case .remove, .delete: continue
            case .nested: throw ExpressionError.invalidPathForUpdate
            default: if let value = try applyChange(change, to: nil, legacy: legacy) { result.append(value) }
            }
        }
        return result
    }

    static func add(_ value: AttributeValue, to existing: AttributeValue?, legacy: Bool) throws(DynamoError) -> AttributeValue {
        let mismatch = legacy ? ExpressionError.legacyTypeMismatch : ExpressionError.incorrectDataType
        guard let existing else { return value }
        switch (existing, value) {
        case let (.number(a), .number(b)):
            do {
                return .number(try a.adding(b))
            } catch {
                throw arithmeticError(error)
            }
        case let (.stringSet(a), .stringSet(b)): return .stringSet(union(a, b))
        case let (.numberSet(a), .numberSet(b)): return .numberSet(union(a, b))
        case let (.binarySet(a), .binarySet(b)): return .binarySet(union(a, b))
        case let (.list(a), .list(b)) where legacy: return .list(a + b)
        default: throw mismatch
        }
    }

    static func delete(_ value: AttributeValue, from existing: AttributeValue?, legacy: Bool) throws(DynamoError) -> AttributeValue? {
        let mismatch = legacy ? ExpressionError.legacyTypeMismatch : ExpressionError.incorrectDataType
        guard let existing else { return nil }
        switch (existing, value) {
        case let (.stringSet(a), .stringSet(b)):
            let rest = a.filter { !b.contains($0) }
            return rest.isEmpty ? nil : .stringSet(rest)
        case let (.numberSet(a), .numberSet(b)):
            let rest = a.filter { !b.contains($0) }
            return rest.isEmpty ? nil : .numberSet(rest)
        case let (.binarySet(a), .binarySet(b)):
            let rest = a.filter { !b.contains($0) }
            return rest.isEmpty ? nil : .binarySet(rest)
        default: throw mismatch
        }
    }

    private static func union<T: Hashable>(_ a: [T], _ b: [T]) -> [T] {
        var seen = Set(a)
        return a + b.filter { seen.insert($0).inserted }
    }
}

extension UpdateAction {
    var isRemoval: Bool {
        switch self {
        case .remove, .delete: true
        default: false
        }
    }
}
