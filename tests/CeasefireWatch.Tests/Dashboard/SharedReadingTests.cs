using CeasefireWatch.Web.Features.Dashboard;
using CeasefireWatch.Web.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace CeasefireWatch.Tests.Dashboard;

/// <summary>
/// Dashboards share their costly counts: the engine panel's tally for a few seconds, the page's counts until an
/// incident changes. Neither may hand out a count older than what it promises.
/// </summary>
public sealed class SharedReadingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FakeTimeProvider Clock() =>
        new(DateTimeOffset.Parse("2026-11-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Dashboards_asking_within_the_freshness_share_one_count_and_the_next_one_after_it_counts_again()
    {
        var clock = Clock();
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
        using var tally = new GetDashboard.TiersEnteredTally(new FakeTimeProvider());
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

    [Fact]
    public async Task A_change_makes_the_next_dashboard_count_again_even_within_the_freshness()
    {
        using var shared = new SharedReading<string>(Clock(), TimeSpan.FromMinutes(1));
        var reads = 0;
        Task<string> Read() => Task.FromResult($"reading {++reads}");

        Assert.Equal("reading 1", await shared.ReadAsync(Read, Ct));
        Assert.Equal("reading 1", await shared.ReadAsync(Read, Ct));
        shared.Forget();
        Assert.Equal("reading 2", await shared.ReadAsync(Read, Ct));
        Assert.Equal("reading 2", await shared.ReadAsync(Read, Ct));
    }

    [Fact]
    public async Task A_change_committed_while_counting_is_not_hidden_by_that_count()
    {
        using var shared = new SharedReading<string>(Clock(), TimeSpan.FromMinutes(1));
        var reads = 0;
        Task<string> ReadWhileSomethingChanges()
        {
            reads++;
            if (reads == 1)
            {
                shared.Forget(); // committed after the count began: the count may not include it
            }

            return Task.FromResult($"reading {reads}");
        }

        Assert.Equal("reading 1", await shared.ReadAsync(ReadWhileSomethingChanges, Ct));
        Assert.Equal("reading 2", await shared.ReadAsync(ReadWhileSomethingChanges, Ct));
        Assert.Equal("reading 2", await shared.ReadAsync(ReadWhileSomethingChanges, Ct));
    }

    [Fact]
    public async Task With_no_freshness_nothing_is_shared_and_pages_read_side_by_side()
    {
        using var shared = new SharedReading<string>(Clock(), TimeSpan.Zero);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;
        async Task<string> Read()
        {
            var n = Interlocked.Increment(ref reads);
            await release.Task;
            return $"reading {n}";
        }

        var pages = Enumerable.Range(0, 3).Select(_ => shared.ReadAsync(Read, Ct)).ToList();
        Assert.Equal(3, reads); // all three reading at once, none waiting for another's reading
        release.SetResult();
        Assert.Equal(["reading 1", "reading 2", "reading 3"], (await Task.WhenAll(pages)).Order(StringComparer.Ordinal));
        Assert.Equal("reading 4", await shared.ReadAsync(Read, Ct));
    }

    [Fact]
    public async Task A_reading_made_for_another_day_is_read_again()
    {
        using var shared = new SharedReading<string>(Clock(), TimeSpan.FromMinutes(1));
        var reads = 0;

        Assert.Equal("day 1", await shared.ReadAsync(() => Task.FromResult($"day {++reads}"), Ct, r => r == "day 1"));
        Assert.Equal("day 2", await shared.ReadAsync(() => Task.FromResult($"day {++reads}"), Ct, r => r == "day 2"));
    }
}
