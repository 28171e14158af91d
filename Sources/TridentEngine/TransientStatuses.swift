import DynamoModel
import FoundationEssentials
import Synchronization

/// `--transient-status-seconds`: tables pass through CREATING, UPDATING and DELETING for that long
/// (real time, whatever the controlled clock says), as the service's do, so SDK waiters and start-up
/// code that polls DescribeTable are exercised. While a table is CREATING or DELETING its items
/// answer ResourceNotFoundException; while it is in any of them DeleteTable, UpdateTable and
/// UpdateTimeToLive answer ResourceInUseException. A deleted table stays listed and described as
/// DELETING (its data is already gone). Not kept across restarts: a restart finds every table ACTIVE.
final class TransientStatuses: Sendable {
    enum Status: String, Sendable {
        case creating = "CREATING"
        case updating = "UPDATING"
        case deleting = "DELETING"
    }

    struct Transition: Sendable {
        var status: Status
        var until: Double
        /// Global indexes this update creates: CREATING for as long as the table is UPDATING.
        var creatingIndexes: Set<String> = []
        /// A deleted table's last description.
        var ghost: (table: TableDefinition, figures: TableFigures)?
    }

    let seconds: Double
    private let transitions = Mutex<[String: Transition]>([:])

    init(seconds: Double) {
        self.seconds = seconds
    }

    private static var now: Double { Date().timeIntervalSince1970 }

    func begin(_ status: Status, table: String, creatingIndexes: Set<String> = [], ghost: (TableDefinition, TableFigures)? = nil) {
        let now = Self.now
        let transition = Transition(status: status, until: now + seconds, creatingIndexes: creatingIndexes, ghost: ghost)
        transitions.withLock { all in
            all = all.filter { $0.value.until > now }  // finished ones (deleted tables' ghosts too) go
            all[table] = transition
        }
    }

    /// The table's transition now, if one is running (finished ones are forgotten here).
    func transition(_ table: String) -> Transition? {
        transitions.withLock { all in
            guard let found = all[table] else { return nil }
            if found.until > Self.now { return found }
            all[table] = nil
            return nil
        }
    }

    /// Tables deleted and still shown as DELETING.
    var deletingNames: [String] {
        let now = Self.now
        return transitions.withLock { all in all.filter { $0.value.status == .deleting && $0.value.until > now }.map(\.key) }
    }

    /// ResourceInUseException for a control-plane change while the table is in transition.
    func checkChangeable(_ table: String) throws(DynamoError) {
        guard let transition = transition(table) else { return }
        let being = switch transition.status {
        case .creating: "created"
        case .updating: "updated"
        case .deleting: "deleted"
        }
        throw DynamoError.resourceInUse("Attempt to change a resource which is still in use: Table is being \(being): \(table)")
    }
}
