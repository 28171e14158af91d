import DynamoModel

/// ProjectionExpression (and UPDATED_OLD / UPDATED_NEW): the parts of an item the paths name, kept
/// in their nesting; several indexes of one list become a compacted list in index order; paths that
/// lead nowhere are skipped.
public enum Projection {
    indirect enum Node {
        case whole
        case children([PathElement: Node])
    }

    public static func project(_ item: Item, _ paths: [DocumentPath]) -> Item {
        var tree: [PathElement: Node] = [:]
        for path in paths { insert(path.elements[...], into: &tree) }
        var result: Item = [:]
        for (element, node) in tree {
            guard case let .attribute(name) = element, let value = item[name], let picked = pick(value, node) else { continue }
            result[name] = picked
        }
        return result
    }

    /// Only top-level names: the legacy AttributesToGet.
    public static func project(_ item: Item, attributes: [String]) -> Item {
        item.filter { attributes.contains($0.key) }
    }

    private static func insert(_ path: ArraySlice<PathElement>, into tree: inout [PathElement: Node]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            tree[head] = .whole
            return
        }
        var children: [PathElement: Node] = [:]
        switch tree[head] {
        case .whole?: return
        case let .children(existing)?: children = existing
        case nil: break
        }
        insert(path.dropFirst(), into: &children)
        tree[head] = .children(children)
    }

    private static func pick(_ value: AttributeValue, _ node: Node) -> AttributeValue? {
        guard case let .children(children) = node else { return value }
        switch value {
        case let .map(m):
            var out: [String: AttributeValue] = [:]
            for (element, child) in children {
                guard case let .attribute(name) = element, let v = m[name], let picked = pick(v, child) else { continue }
                out[name] = picked
            }
            return out.isEmpty ? nil : .map(out)
        case let .list(l):
            var indexed: [(Int, AttributeValue)] = []
            for (element, child) in children {
                guard case let .index(i) = element, i < l.count, let picked = pick(l[i], child) else { continue }
                indexed.append((i, picked))
            }
            return indexed.isEmpty ? nil : .list(indexed.sorted { $0.0 < $1.0 }.map(\.1))
        default:
            return nil
        }
    }
}
