using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CeasefireWatch.Tests.Notifications;

/// <summary>
/// The app's contexts are pooled: one instance serves scope after scope. What the outbox keeps for a context between
/// two events of a save must not outlive the scope it was set in, or an alert of a save that failed in one request
/// would be pushed by the next request's commit.
/// </summary>
public sealed class LeasedStateTests
{
    private static readonly DbContextOptions<AppDbContext> Options =
        new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=:memory:").Options;

    [Fact]
    public void A_value_set_in_one_lease_is_seen_in_that_lease_and_not_in_the_next_lease_of_the_same_instance()
    {
        var factory = new PooledDbContextFactory<AppDbContext>(Options, poolSize: 1);
        var state = new LeasedState<string>();

        AppDbContext first;
        using (first = factory.CreateDbContext())
        {
            state.Set(first, "left by a save that failed");
            Assert.True(state.TryGetValue(first, out var seen));
            Assert.Equal("left by a save that failed", seen);
        }

        using var second = factory.CreateDbContext();

        Assert.Same(first, second);
        Assert.False(state.TryGetValue(second, out _));
        Assert.Equal("fresh", state.GetOrAdd(second, () => "fresh"));
        Assert.True(state.TryGetValue(second, out var now));
        Assert.Equal("fresh", now);
    }

    [Fact]
    public void Removing_forgets_the_value_of_the_current_lease()
    {
        using var db = new AppDbContext(Options);
        var state = new LeasedState<string>();
        state.Set(db, "pending");

        state.Remove(db);

        Assert.False(state.TryGetValue(db, out _));
    }
}
