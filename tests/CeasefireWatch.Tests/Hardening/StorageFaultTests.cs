using System.Net;
using System.Net.Http.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CeasefireWatch.Tests.Hardening;

/// <summary>
/// Found from outside: with the database read-only, full, or locked past the busy timeout, every POST answered
/// <c>400</c> with an empty body and <c>/health</c> stayed 200. A storage fault is a 503 problem with Retry-After
/// on the API, a readable page for people, nothing half-written, and the app recovers by itself.
/// </summary>
[Trait("Database", "SqliteOnly")]
public sealed class StorageFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CeasefireWatchFactory App(StorageFaults faults) => new()
    {
        Settings = new Dictionary<string, string?> { ["Database:BusyTimeout"] = "00:00:01" },
        TestServices = services => services.AddSingleton<IInterceptor>(faults),
    };

    [Theory]
    [InlineData(StorageFaults.Fault.ReadOnly, "read-only")]
    [InlineData(StorageFaults.Fault.DiskFull, "disk is full")]
    public async Task A_write_the_storage_refuses_is_a_503_problem_with_retry_after_and_nothing_is_written(StorageFaults.Fault fault, string said)
    {
        var faults = new StorageFaults();
        await using var app = App(faults);
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);
        var before = await FingerprintAsync(app);

        faults.Current = fault;
        // A report long enough to need new pages, so a full disk cannot absorb it in free space.
        using var refused = await app.PostIncidentAsync(api, change: b => b["description"] = new string('x', 3900));
        using var note = await api.PostAsJsonAsync($"/api/incidents/{incident.Id}/notes", new { text = new string('y', 3900) }, Ct);

        foreach (var response in new[] { refused, note })
        {
            var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Contains(said, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        }

        // Reads still work while writes fail, and nothing of the refused requests is stored.
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/incidents/{incident.Id}", Ct)).StatusCode);
        faults.Current = StorageFaults.Fault.None;
        Assert.Equal(before, await FingerprintAsync(app));

        // Recovered by itself: the same request now succeeds.
        await app.LogIncidentAsync(api, change: b => b["description"] = new string('x', 3900));
    }

    [Fact]
    public async Task A_lock_held_past_the_busy_timeout_is_a_503_and_the_app_recovers_when_it_is_released()
    {
        var faults = new StorageFaults();
        await using var app = App(faults);
        var api = app.CreateApiClient();
        await app.LogIncidentAsync(api);

        await using (var holder = new SqliteConnection(app.ConnectionString))
        {
            await holder.OpenAsync(Ct);
            await using var begin = holder.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync(Ct);

            using var refused = await app.PostIncidentAsync(api);
            await Problems.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(refused.Headers.RetryAfter);

            app.Clock.Advance(TimeSpan.FromSeconds(2));
            using var health = await app.CreateClient().GetAsync("/health", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Contains("busy", await health.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

            begin.CommandText = "ROLLBACK;";
            await begin.ExecuteNonQueryAsync(Ct);
        }

        await app.LogIncidentAsync(api);
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/health", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_page_form_posted_while_the_database_is_read_only_gets_a_readable_503_page_not_an_empty_400()
    {
        var faults = new StorageFaults();
        await using var app = App(faults);
        var incident = await app.LogIncidentAsync(app.CreateApiClient());
        var analyst = await app.SignedInAsRoleAsync(Web.Infrastructure.Security.Roles.Analyst);
        var token = Browser.Token(await analyst.GetHtmlAsync($"/Incidents/{incident.Id}"));

        faults.Current = StorageFaults.Fault.ReadOnly;
        using var content = new FormUrlEncodedContent([new("Note.Text", "Seen from the checkpoint."), new("__RequestVerificationToken", token)]);
        using var response = await analyst.PostAsync(new Uri($"/Incidents/{incident.Id}?handler=Note", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var html = await response.HtmlAsync();
        Assert.Contains("Nothing was saved", html, StringComparison.Ordinal);
        Assert.Contains("read-only", html, StringComparison.Ordinal);
        faults.Current = StorageFaults.Fault.None;
        var after = await CeasefireWatchFactory.GetIncidentAsync(app.CreateApiClient(), incident.Id);
        Assert.DoesNotContain(after.Entries, e => e.Kind == TimelineKind.Note);
    }

    [Fact]
    public async Task Health_is_503_within_a_second_of_the_database_becoming_unwritable_and_200_again_after()
    {
        var faults = new StorageFaults();
        await using var app = App(faults);
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", Ct)).StatusCode);

        faults.Current = StorageFaults.Fault.ReadOnly;
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        using var down = await client.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Contains("\"status\":\"Unhealthy\"", await down.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        faults.Current = StorageFaults.Fault.None;
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", Ct)).StatusCode);
    }

    [Fact]
    public async Task Health_is_503_while_writes_meet_a_full_disk_though_its_own_probe_still_fits_and_200_again_half_a_minute_after()
    {
        // Found from outside on a full tmpfs: every report answered 503 "disk is full" while /health stayed 200, its
        // probe row rewritten in place with no new page needed.
        var faults = new StorageFaults();
        await using var app = App(faults);
        var api = app.CreateApiClient();
        var client = app.CreateClient();
        await app.LogIncidentAsync(api);

        faults.Current = StorageFaults.Fault.DiskFull;
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", Ct)).StatusCode);

        using var refused = await app.PostIncidentAsync(api, change: b => b["description"] = new string('x', 3900));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        using var down = await client.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Contains("the disk is full", await down.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // Space freed: 200 again once the refusal is half a minute old, with no write needed to prove it.
        faults.Current = StorageFaults.Fault.None;
        app.Clock.Advance(Web.Infrastructure.Health.HealthMonitor.RefusedWriteMemory - TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health", Ct)).StatusCode);
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", Ct)).StatusCode);
    }

    [Fact]
    public async Task Health_is_503_when_the_engine_s_own_write_meets_a_full_disk_with_no_request_writing()
    {
        var faults = new StorageFaults();
        await using var app = App(faults);
        var api = app.CreateApiClient();
        var client = app.CreateClient();
        for (var i = 0; i < 50; i++)
        {
            await app.LogIncidentAsync(api);
        }

        faults.Current = StorageFaults.Fault.DiskFull;
        app.Clock.Advance(TimeSpan.FromDays(1));
        await CeasefireWatchFactory.WaitUntilAsync(
            async () => (await client.GetAsync("/health", Ct)).StatusCode == HttpStatusCode.ServiceUnavailable,
            because: "the engine's refused batch made health 503");
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.Stage == Stage.Coalition, Ct)));

        // The engine tries again after its pause and enters every tier once the disk has room.
        faults.Current = StorageFaults.Fault.None;
        await CeasefireWatchFactory.WaitUntilAsync(
            async () =>
            {
                app.Clock.Advance(TimeSpan.FromSeconds(1));
                return await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.Stage == Stage.Coalition, Ct)) == 50;
            },
            because: "the engine entered the tiers once the disk had room");
    }

    [Fact]
    public async Task Reads_with_an_api_key_go_on_when_its_last_use_cannot_be_recorded()
    {
        var faults = new StorageFaults();
        await using var app = App(faults);
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);

        faults.Current = StorageFaults.Fault.ReadOnly;
        app.Clock.Advance(TimeSpan.FromMinutes(5));   // past the last-use resolution: the key wants its last use written

        using var read = await api.GetAsync($"/api/incidents/{incident.Id}", Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var list = await api.GetAsync("/api/incidents", Ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task Health_names_the_engines_lag_and_is_degraded_when_a_due_tier_waits_longer_than_the_bound()
    {
        await using var app = new CeasefireWatchFactory
        {
            Settings = new Dictionary<string, string?> { ["Health:MaxEngineLag"] = "00:00:30" },
        };
        var incident = await app.LogIncidentAsync(app.CreateApiClient());
        // The engine is stopped, so nothing enters the tier that falls due.
        await app.Engine.StopAsync(Ct);
        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(45));

        using var response = await app.CreateClient().GetAsync("/health", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);   // degraded still serves
        Assert.Contains("\"status\":\"Degraded\"", body, StringComparison.Ordinal);
        Assert.Contains("\"engineLagSeconds\":45", body, StringComparison.Ordinal);
        var dashboard = await (await app.SignedInAsAdminAsync()).GetHtmlAsync("/");
        Assert.Contains("data-health=\"degraded\"", dashboard, StringComparison.Ordinal);
        Assert.True(incident.Id > 0);
    }

    [Theory]
    [InlineData(StorageFaults.Fault.ReadOnly)]
    [InlineData(StorageFaults.Fault.DiskFull)]
    public async Task A_batch_of_tiers_the_storage_refuses_is_written_not_at_all_and_whole_once_storage_returns(StorageFaults.Fault fault)
    {
        // The engine writes its batches with prepared statements (IncidentBatchWriter), not SaveChanges: a fault in
        // the middle of a batch must leave no incident advanced without its timeline entry, and no tier half-entered.
        var faults = new StorageFaults();
        await using var app = App(faults);
        await app.Engine.StopAsync(Ct);
        var api = app.CreateApiClient();
        const int count = 300;
        for (var i = 0; i < count; i++)
        {
            await app.LogIncidentAsync(api);
        }

        app.Clock.Advance(TimeSpan.FromDays(1));
        var before = await FingerprintAsync(app);

        faults.Current = fault;
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => app.Engine.RunDueAsync(Ct));
        Assert.True(Web.Infrastructure.StorageFailure.Is(refused), $"not a storage fault: {refused}");
        faults.Current = StorageFaults.Fault.None;
        Assert.Equal(before, await FingerprintAsync(app));

        await app.Engine.RunDueAsync(Ct);
        var entered = await app.WithDbAsync(db => db.TimelineEntries
            .CountAsync(e => e.Kind == TimelineKind.StageEntered && e.Stage == Stage.Coalition, Ct));
        Assert.Equal(count, entered);
        Assert.Equal(count, await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.Stage == Stage.Coalition, Ct)));
    }

    /// <summary>Row counts of every table a request writes, and the sum of incident versions.</summary>
    private static Task<string> FingerprintAsync(CeasefireWatchFactory app) => app.WithDbAsync(async db =>
        $"{await db.Incidents.CountAsync(Ct)}/{await db.TimelineEntries.CountAsync(Ct)}/{await db.Reports.CountAsync(Ct)}/" +
        $"{await db.Incidents.SumAsync(i => i.Version, Ct)}/{await db.SecurityEvents.CountAsync(Ct)}");
}
