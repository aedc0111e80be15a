using CeasefireWatch.Web.Features.Dashboard;
using Microsoft.Extensions.Time.Testing;

namespace CeasefireWatch.Tests.Dashboard;

/// <summary>The engine panel's count scans the whole history, so dashboards share one count for a few seconds.</summary>
public sealed class TiersEnteredTallyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dashboards_asking_within_the_freshness_share_one_count_and_the_next_one_after_it_counts_again()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var tally = new GetDashboard.TiersEnteredTally(clock);
        var counts = 0;
        Task<GetDashboard.TiersEntered> Count() => Task.FromResult(new GetDashboard.TiersEntered(++counts, 0, 0));

        var first = await tally.ReadAsync(Count, Ct);
        clock.Advance(GetDashboard.TiersEnteredTally.Freshness - TimeSpan.FromMilliseconds(1));
        var shared = await tally.ReadAsync(Count, Ct);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var recounted = await tally.ReadAsync(Count, Ct);

        Assert.Equal(1, first.ByEngine);
        Assert.Equal(1, shared.ByEngine);
        Assert.Equal(2, recounted.ByEngine);
        Assert.Equal(2, counts);
    }

    [Fact]
    public async Task Dashboards_asking_while_a_count_runs_wait_for_it_rather_than_scanning_too()
    {
        var clock = new FakeTimeProvider();
        using var tally = new GetDashboard.TiersEnteredTally(clock);
        var release = new TaskCompletionSource<GetDashboard.TiersEntered>(TaskCreationOptions.RunContinuationsAsynchronously);
        var counts = 0;
        Task<GetDashboard.TiersEntered> Count()
        {
            Interlocked.Increment(ref counts);
            return release.Task;
        }

        var readers = Enumerable.Range(0, 5).Select(_ => tally.ReadAsync(Count, Ct)).ToList();
        release.SetResult(new GetDashboard.TiersEntered(7, 1, 2));
        var results = await Task.WhenAll(readers);

        Assert.Equal(1, counts);
        Assert.All(results, r => Assert.Equal(10, r.Total));
    }
}
