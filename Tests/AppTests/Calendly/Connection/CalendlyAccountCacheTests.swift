@testable import App
import Foundation
import Testing

/// The account cache when the token changes: a look-up begun with the old token is neither given
/// to callers who ask after the change nor kept for later ones.
@Suite("Calendly account cache")
struct CalendlyAccountCacheTests {
    private static func account(_ name: String) -> CalendlyAccount {
        let organization = "https://api.calendly.com/organizations/ORG"
        let user = "https://api.calendly.com/users/\(name)"
        return CalendlyAccount(user: CalendlyUser(uri: user), organizationURI: organization,
                               scope: .user(user, organization: organization), eventTypes: [])
    }

    @Test func aLookUpBegunBeforeInvalidationIsNeitherSharedNorKept() async throws {
        // given a look-up with the old token, held in flight until the gate opens
        let cache = CalendlyAccountCache()
        let (started, startedSignal) = AsyncStream<Void>.makeStream()
        let (gate, opening) = AsyncStream<Void>.makeStream()
        let old = Task {
            await cache.account {
                startedSignal.yield()
                for await _ in gate { break }
                return Self.account("old")
            }
        }
        for await _ in started { break }

        // when the token changes and the account is asked for again, the old look-up then ending
        await cache.invalidate()
        let asked = Task { await cache.account { Self.account("new") } }
        opening.yield()
        let late = await old.value
        let fresh = await asked.value

        // then the new look-up answered, the old one reached only its own caller, and what is kept is the new one
        #expect(try fresh.get().user.uri.hasSuffix("/new"))
        #expect(try late.get().user.uri.hasSuffix("/old"))
        let kept = await cache.account { Self.account("not asked: the cache answers") }
        #expect(try kept.get().user.uri.hasSuffix("/new"))
        #expect(await cache.lastUserURI?.hasSuffix("/new") == true)
    }
}
