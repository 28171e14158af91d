/// The paths an update writes (or a projection reads), as a tree: DynamoDB rejects two paths where
/// one is a prefix of the other ("overlap") or where one parent is used both as a map and as a list
/// ("conflict"). Messages name the new path first, then the existing one followed down to a leaf.
struct PathTrie {
    private final class Node {
        var children: [(PathElement, Node)] = []
        var isEnd = false

        func child(_ element: PathElement) -> Node? {
            children.first { $0.0 == element }?.1
        }
    }

    enum Clash: Equatable {
        case overlap(DocumentPath)
        case conflict(DocumentPath)
    }

    private let root = Node()

    /// Adds `path`, or reports the existing path it clashes with.
    mutating func insert(_ path: DocumentPath) -> Clash? {
        var node = root
        var walked: [PathElement] = []
        for element in path.elements {
            if node.isEnd { return .overlap(DocumentPath(walked)) }
            if let next = node.child(element) {
                node = next
                walked.append(element)
                continue
            }
            if let (sibling, siblingNode) = node.children.first, Self.isIndex(sibling) != Self.isIndex(element) {
                return .conflict(DocumentPath(walked + [sibling] + Self.leafPath(siblingNode)))
            }
            let next = Node()
            node.children.append((element, next))
            node = next
            walked.append(element)
        }
        if node.isEnd || !node.children.isEmpty {
            return .overlap(DocumentPath(walked + Self.leafPath(node)))
        }
        node.isEnd = true
        return nil
    }

    private static func isIndex(_ element: PathElement) -> Bool {
        if case .index = element { return true }
        return false
    }

    /// From `node` down to the first complete path below it.
    private static func leafPath(_ node: Node) -> [PathElement] {
        var out: [PathElement] = []
        var current = node
        while !current.isEnd, let (element, next) = current.children.first {
            out.append(element)
            current = next
        }
        return out
    }
}
