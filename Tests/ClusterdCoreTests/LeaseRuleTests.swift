import ClusterdCore
import Foundation
import Testing

/// The leader lease's steps: create, renew, take over an ended lease, follow a live one.
struct LeaseRuleTests {
    let now = Date(timeIntervalSince1970: 1_736_544_600)

    func lease(_ owner: String, token: Int64 = 3, endsIn seconds: Double) -> Lease {
        Lease(
            owner: owner,
            token: token,
            expiresAt: now.addingTimeInterval(seconds),
            acquiredAt: now.addingTimeInterval(-60)
        )
    }

    @Test func noLeaseIsCreated() {
        #expect(LeaseRule.step(current: nil, owner: "a", now: now) == .create)
    }

    @Test func aLiveLeaseIsRenewedByItsHolderAndFollowedByTheOthers() {
        let live = lease("a", endsIn: 10)
        #expect(LeaseRule.step(current: live, owner: "a", now: now) == .renew(live))
        #expect(LeaseRule.step(current: live, owner: "b", now: now) == .follow(live))
    }

    @Test func anEndedLeaseIsTakenOverEvenByItsFormerHolder() {
        let ended = lease("a", endsIn: 0)
        #expect(!ended.holds(at: now), "a lease ends at its expiry instant")
        #expect(LeaseRule.step(current: ended, owner: "b", now: now) == .takeOver(ended))
        #expect(LeaseRule.step(current: ended, owner: "a", now: now) == .takeOver(ended))
    }

    @Test func aLiveLeaseOfAnEarlierProcessOfTheSameReplicaIsTakenOverAtOnce() {
        var live = lease("a", endsIn: 10)
        live.incarnation = "p1"
        #expect(LeaseRule.step(current: live, owner: "a", incarnation: "p1", now: now) == .renew(live))
        #expect(LeaseRule.step(current: live, owner: "a", incarnation: "p2", now: now) == .takeOver(live))
        #expect(LeaseRule.step(current: live, owner: "b", incarnation: "p1", now: now) == .follow(live))
    }
}
