using System.Net;
using System.Text.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using Microsoft.Extensions.Time.Testing;

namespace CeasefireWatch.Tests.Hardening;

/// <summary>
/// Found from outside: two instances on one PostgreSQL database, one's clock set ahead. Each enters the tiers that fell
/// due by its own clock, so the one ahead entered them early (and timed its retries off), and nothing said so. Each
/// instance now compares its clock with the database server's, which all of them see: <c>/health</c> is degraded (still
/// 200) with the difference named, and the log says so once.
/// </summary>
public sealed class ClockSkewTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> ClockCheckAsync(CeasefireWatchFactory app)
    {
        using var response = await app.CreateClient().GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task An_instance_whose_clock_is_far_from_the_database_servers_is_degraded_and_says_by_how_much()
    {
        TestPostgres.RequireServer();

        // The fake clock stands at 2026-02-04, months behind the server's.
        await using var app = new CeasefireWatchFactory
        {
            Provider = DatabaseProvider.Postgres,
            Settings = new Dictionary<string, string?> { ["Health:MaxClockSkew"] = "00:01:00" },
        };

        var health = await ClockCheckAsync(app);
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        var clock = health.GetProperty("checks").GetProperty("clock");
        Assert.Equal("Degraded", clock.GetProperty("status").GetString());
        Assert.Contains("behind the database server's", clock.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(clock.GetProperty("data").GetProperty("skewSeconds").GetDouble() < -86400);
    }

    [Fact]
    public async Task An_instance_whose_clock_agrees_with_the_database_servers_is_healthy()
    {
        TestPostgres.RequireServer();
        await using var app = new CeasefireWatchFactory
        {
            Provider = DatabaseProvider.Postgres,
            Clock = new FakeTimeProvider(DateTimeOffset.UtcNow),
            Settings = new Dictionary<string, string?> { ["Health:MaxClockSkew"] = "00:01:00" },
        };

        var health = await ClockCheckAsync(app);
        var clock = health.GetProperty("checks").GetProperty("clock");
        Assert.Equal("Healthy", clock.GetProperty("status").GetString());
        Assert.True(Math.Abs(clock.GetProperty("data").GetProperty("skewSeconds").GetDouble()) < 60);
    }

    [Fact]
    public async Task On_sqlite_the_clock_is_not_compared()
    {
        await using var app = new CeasefireWatchFactory { Provider = DatabaseProvider.Sqlite, Settings = new Dictionary<string, string?> { ["Health:MaxClockSkew"] = "00:00:02" } };

        var health = await ClockCheckAsync(app);
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("clock").GetProperty("status").GetString());
    }
}
