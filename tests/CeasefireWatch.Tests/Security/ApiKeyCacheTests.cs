using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.Extensions.Time.Testing;

namespace CeasefireWatch.Tests.Security;

/// <summary>
/// A request that read a key from the database just before the key was revoked remembered it just after: the revoked
/// key was then served from the cache for up to 5 seconds more, although its revocation had "forgotten" it at once.
/// </summary>
public sealed class ApiKeyCacheTests
{
    private static readonly ApiKeyCache.Key Key = new(7, "drone-feed", "Analyst", null);

    [Fact]
    public void A_key_read_before_its_revocation_and_remembered_after_it_is_not_served()
    {
        var cache = new ApiKeyCache(new FakeTimeProvider());

        cache.Forget(Key.Id);              // the revocation commits and forgets the key...
        cache.Remember("hash-7", Key);     // ...then the request that read it before the commit remembers it

        Assert.Null(cache.Find("hash-7"));
    }

    [Fact]
    public void Another_key_is_still_remembered_for_five_seconds()
    {
        var clock = new FakeTimeProvider();
        var cache = new ApiKeyCache(clock);
        cache.Forget(Key.Id);

        cache.Remember("hash-8", Key with { Id = 8 });

        Assert.Equal(8, cache.Find("hash-8")?.Id);
        clock.Advance(ApiKeyCache.Lifetime);
        Assert.Null(cache.Find("hash-8"));
    }
}
