import DynamoModel

/// Evaluates conditions against an item, as DynamoDB does: a missing attribute or a type mismatch
/// makes a comparison false (and `<>` true), never an error; strings and binary order by unsigned
/// bytes, numbers by value; set equality ignores order.
public enum Evaluator {
    /// The value at `path`, or nil when any step is missing or of the wrong kind.
    public static func value(at path: DocumentPath, in item: Item) -> AttributeValue? {
        var current: AttributeValue?
        for (i, element) in path.elements.enumerated() {
            switch element {
            case let .attribute(name):
                if i == 0 {
                    current = item[name]
                } else if case let .map(m)? = current {
                    current = m[name]
                } else {
                    return nil
                }
            case let .index(index):
                guard case let .list(l)? = current, index < l.count else { return nil }
                current = l[index]
            }
            if current == nil { return nil }
        }
        return current
    }

    /// An operand's value in a condition; nil when it has none (missing path, size of a number…).
    static func value(of operand: Operand, in item: Item) -> AttributeValue? {
        switch operand {
        case let .path(path): return value(at: path, in: item)
        case let .value(v): return v
        case let .size(inner):
            guard let v = value(of: inner, in: item), let n = size(of: v) else { return nil }
            return .number(DynamoNumber(n))
        case let .ifNotExists(path, fallback):
            return value(at: path, in: item) ?? value(of: fallback, in: item)
        case let .listAppend(a, b):
            guard case let .list(x)? = value(of: a, in: item), case let .list(y)? = value(of: b, in: item) else { return nil }
            return .list(x + y)
        case let .add(a, b), let .subtract(a, b):
            guard case let .number(x)? = value(of: a, in: item), case let .number(y)? = value(of: b, in: item) else { return nil }
            if case .add = operand { return (try? x.adding(y)).map { .number($0) } }
            return (try? x.subtracting(y)).map { .number($0) }
        }
    }

    /// size(): characters of a string, bytes of binary, members of a set, elements of a list or map.
    static func size(of value: AttributeValue) -> Int? {
        switch value {
        case let .string(s): s.utf16.count  // Java string length, as DynamoDB counts
        case let .binary(b): b.count
        case let .stringSet(s): s.count
        case let .numberSet(s): s.count
        case let .binarySet(s): s.count
        case let .list(l): l.count
        case let .map(m): m.count
        case .number, .bool, .null: nil
        }
    }

    public static func evaluate(_ condition: Condition, on item: Item) -> Bool {
        switch condition {
        case .always:
            return true
        case let .and(a, b):
            return evaluate(a, on: item) && evaluate(b, on: item)
        case let .or(a, b):
            return evaluate(a, on: item) || evaluate(b, on: item)
        case let .not(inner):
            return !evaluate(inner, on: item)
        case let .comparison(comparator, a, b):
            let x = value(of: a, in: item), y = value(of: b, in: item)
            switch comparator {
            case .equal: return x != nil && x == y
            case .notEqual: return !(x != nil && x == y)
            default:
                guard let x, let y, let order = order(x, y) else { return false }
                switch comparator {
                case .less: return order < 0
                case .lessOrEqual: return order <= 0
                case .greater: return order > 0
                default: return order >= 0
                }
            }
        case let .between(v, lo, hi):
            guard let x = value(of: v, in: item), let low = value(of: lo, in: item), let high = value(of: hi, in: item),
                let a = order(x, low), let b = order(x, high)
            else { return false }
            return a >= 0 && b <= 0
        case let .isIn(v, candidates):
            guard let x = value(of: v, in: item) else { return false }
            return candidates.contains { value(of: $0, in: item) == x }
        case let .attributeExists(path):
            return value(at: path, in: item) != nil
        case let .attributeNotExists(path):
            return value(at: path, in: item) == nil
        case let .attributeType(operand, type):
            guard let x = value(of: operand, in: item), case let .string(name)? = value(of: type, in: item) else { return false }
            return x.type.rawValue == name
        case let .beginsWith(a, b):
            switch (value(of: a, in: item), value(of: b, in: item)) {
            case let (.string(s)?, .string(prefix)?): return s.utf8.starts(with: prefix.utf8)
            case let (.binary(s)?, .binary(prefix)?): return s.starts(with: prefix)
            default: return false
            }
        case let .contains(a, b):
            return contains(value(of: a, in: item), value(of: b, in: item))
        case let .notContains(a, b):
            guard let container = value(of: a, in: item) else { return false }
            return !contains(container, value(of: b, in: item))
        }
    }

    static func contains(_ container: AttributeValue?, _ element: AttributeValue?) -> Bool {
        guard let container, let element else { return false }
        switch (container, element) {
        case let (.string(s), .string(sub)): return sub.isEmpty || Array(s.utf8).containsSubsequence(Array(sub.utf8))
        case let (.binary(s), .binary(sub)): return sub.isEmpty || s.containsSubsequence(sub)
        case let (.stringSet(set), .string(x)): return set.contains(x)
        case let (.numberSet(set), .number(x)): return set.contains(x)
        case let (.binarySet(set), .binary(x)): return set.contains(x)
        case let (.list(list), x): return list.contains(x)
        default: return false
        }
    }

    /// -1, 0 or 1 for two values of the same scalar type (S, N, B); nil otherwise.
    public static func order(_ a: AttributeValue, _ b: AttributeValue) -> Int? {
        switch (a, b) {
        case let (.number(x), .number(y)): return DynamoNumber.compare(x, y)
        case let (.string(x), .string(y)): return compareBytes(x.utf8, y.utf8)
        case let (.binary(x), .binary(y)): return compareBytes(x, y)
        default: return nil
        }
    }

    static func compareBytes<A: Sequence<UInt8>, B: Sequence<UInt8>>(_ a: A, _ b: B) -> Int {
        var i = a.makeIterator(), j = b.makeIterator()
        while true {
            switch (i.next(), j.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (x?, y?) where x != y: return x < y ? -1 : 1
            default: continue
            }
        }
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }
}
