using System.Collections.Concurrent;
using System.Net.Http.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;

namespace CeasefireWatch.Tests.Escalation;

/// <summary>
/// The escalation engine against a real SQLite database, with a fake clock. Where a test needs determinism it
/// stops the hosted loop and calls <see cref="EscalationEngine.RunDueAsync"/> itself; the wake-up and catch-up
/// tests watch the hosted loop do its work.
/// </summary>
public sealed class EscalationEngineTests
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private static readonly TimeSpan ThreeDays = TimeSpan.FromHours(72);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A factory whose hosted engine loop is stopped, so only the test runs the engine.</summary>
    private static async Task<(CeasefireWatchFactory Factory, EscalationEngine Engine)> StartWithEngineStoppedAsync(
        TimeSpan? tier2After = null, TimeSpan? tier3After = null, Action<IServiceCollection>? testServices = null)
    {
        var factory = new CeasefireWatchFactory { Tier2After = tier2After, Tier3After = tier3After, TestServices = testServices };
        var engine = factory.Engine;
        await engine.StopAsync(Ct);
        return (factory, engine);
    }

    [Fact]
    public async Task Running_the_engine_twice_after_a_deadline_enters_the_tier_exactly_once()
    {
        var (factory, engine) = await StartWithEngineStoppedAsync();
        await using var _ = factory;
        var client = factory.CreateApiClient();
        var logged = await factory.LogIncidentAsync(client);
        var t0 = logged.OccurredAt;

        factory.Clock.Advance(Day);
        var firstNext = await engine.RunDueAsync(Ct);
        var secondNext = await engine.RunDueAsync(Ct);

        Assert.Equal(t0 + ThreeDays, firstNext);
        Assert.Equal(t0 + ThreeDays, secondNext);
        var incident = await GetIncidentAsync(client, logged.Id);
        Assert.Equal(Stage.Coalition, incident.Stage);
        Assert.Equal(t0 + ThreeDays, incident.NextStageAt);
        Assert.Equal([Stage.UkrainianForces, Stage.Coalition], incident.StagesEntered.Select(e => e.Stage));
        var coalition = incident.StagesEntered[1];
        Assert.Equal(t0 + Day, coalition.DueAt);
        Assert.Equal(t0 + Day, coalition.At);
        Assert.Equal(Incident.EngineActor, coalition.Actor);
    }

    [Fact]
    public async Task The_hosted_engine_and_extra_runs_together_still_enter_each_tier_once()
    {
        await using var factory = new CeasefireWatchFactory();
        var client = factory.CreateApiClient();
        var logged = await factory.LogIncidentAsync(client);
        var t0 = logged.OccurredAt;

        factory.Clock.Advance(Day + TimeSpan.FromMinutes(1));
        await factory.WaitForEngineRunAsync(factory.Now.UtcDateTime);
        Assert.Equal(Stage.Coalition, (await GetIncidentAsync(client, logged.Id)).Stage);
        await factory.Engine.RunDueAsync(Ct);
        await factory.Engine.RunDueAsync(Ct);

        var incident = await GetIncidentAsync(client, logged.Id);
        var coalition = Assert.Single(incident.StagesEntered, e => e.Stage == Stage.Coalition);
        Assert.Equal(t0 + Day, coalition.DueAt);
        Assert.Equal(2, incident.StagesEntered.Count);
    }

    [Fact]
    public async Task A_tier_never_fires_before_its_deadline_and_fires_when_the_clock_reaches_it()
    {
        var (factory, engine) = await StartWithEngineStoppedAsync();
        await using var _ = factory;
        var client = factory.CreateApiClient();
        var logged = await factory.LogIncidentAsync(client);
        var deadline = logged.OccurredAt + Day;

        factory.Clock.SetUtcNow(deadline - Tick);
        var next = await engine.RunDueAsync(Ct);

        Assert.Equal(deadline, next);
        var before = await GetIncidentAsync(client, logged.Id);
        Assert.Equal(Stage.UkrainianForces, before.Stage);
        Assert.Single(before.StagesEntered);

        factory.Clock.Advance(Tick);
        next = await engine.RunDueAsync(Ct);

        Assert.Equal(logged.OccurredAt + ThreeDays, next);
        var after = await GetIncidentAsync(client, logged.Id);
        Assert.Equal(Stage.Coalition, after.Stage);
        var coalition = Assert.Single(after.StagesEntered, e => e.Stage == Stage.Coalition);
        Assert.Equal(deadline, coalition.DueAt);
        Assert.Equal(deadline, coalition.At);
    }

    [Fact]
    public async Task The_hosted_engine_leaves_tier_1_alone_one_tick_before_the_deadline_and_enters_tier_2_at_it()
    {
        await using var factory = new CeasefireWatchFactory();
        var client = factory.CreateApiClient();
        var status = factory.Services.GetRequiredService<EscalationEngineStatus>();
        var logged = await factory.LogIncidentAsync(client);
        var deadline = logged.OccurredAt + Day;

        factory.Clock.SetUtcNow(deadline - Tick);
        await factory.WaitForEngineRunAsync(deadline - Tick);
        Assert.Equal(deadline - Tick, status.Current.LastRunAt);
        Assert.Equal(deadline, status.Current.NextWakeAt);
        Assert.Equal(Stage.UkrainianForces, (await GetIncidentAsync(client, logged.Id)).Stage);

        factory.Clock.Advance(Tick);
        await WaitUntilAsync(
            async () =>
            {
                if ((await GetIncidentAsync(client, logged.Id)).Stage == Stage.Coalition)
                {
                    return true;
                }

                // A timer armed a moment after the advance (the loop was between planning and sleeping) needs one more tick.
                factory.Clock.Advance(Tick);
                return false;
            },
            because: "the hosted engine entered tier 2 at its deadline");

        var coalition = Assert.Single((await GetIncidentAsync(client, logged.Id)).StagesEntered, e => e.Stage == Stage.Coalition);
        Assert.Equal(deadline, coalition.DueAt);
        Assert.InRange(coalition.At, deadline, factory.Now.UtcDateTime);
    }

    [Fact]
    public async Task The_engine_wakes_up_for_a_new_incident_whose_deadline_is_sooner_than_the_one_it_sleeps_towards()
    {
        await using var factory = new CeasefireWatchFactory();
        var client = factory.CreateApiClient();
        var status = factory.Services.GetRequiredService<EscalationEngineStatus>();
        var start = factory.Now.UtcDateTime;

        var far = await factory.LogIncidentAsync(client);
        await WaitUntilAsync(
            () => Task.FromResult(status.Current.NextWakeAt == far.OccurredAt + Day),
            because: "the engine planned towards the far deadline");

        // Logged now, but the violation was 23 h 59 min ago: its tier-2 deadline is one minute away.
        var soon = await factory.LogIncidentAsync(client, factory.Now - Day + TimeSpan.FromMinutes(1));
        var soonDeadline = soon.OccurredAt + Day;
        Assert.Equal(Stage.UkrainianForces, soon.Stage);
        await WaitUntilAsync(
            () => Task.FromResult(status.Current.NextWakeAt == soonDeadline),
            because: "the new incident woke the engine and it re-planned, with no time passing");
        Assert.Equal(start, factory.Now.UtcDateTime);

        factory.Clock.SetUtcNow(soonDeadline);
        await WaitUntilAsync(
            async () =>
            {
                if ((await GetIncidentAsync(client, soon.Id)).Stage == Stage.Coalition)
                {
                    return true;
                }

                // A timer armed a moment after the jump still fires within these nudges, far below the old plan.
                if (factory.Now.UtcDateTime < soonDeadline + TimeSpan.FromMinutes(2))
                {
                    factory.Clock.Advance(TimeSpan.FromSeconds(1));
                }

                return false;
            },
            because: "the engine entered tier 2 of the newer incident");

        Assert.True(
            factory.Now.UtcDateTime < start + EscalationEngine.MaxSleep,
            "The clock must not have reached the wake-up the engine planned before the new incident arrived.");
        var coalition = Assert.Single((await GetIncidentAsync(client, soon.Id)).StagesEntered, e => e.Stage == Stage.Coalition);
        Assert.Equal(soonDeadline, coalition.DueAt);
        Assert.Equal(Stage.UkrainianForces, (await GetIncidentAsync(client, far.Id)).Stage);
    }

    [Fact]
    public async Task After_a_stop_the_engine_catches_up_at_start_entering_the_missed_tier_once_with_its_policy_instant()
    {
        var path = NewDatabasePath();
        var clock = new FakeTimeProvider(StartInstant);
        try
        {
            IncidentResponse logged;
            await using (var before = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true, Clock = clock })
            {
                logged = await before.LogIncidentAsync(before.CreateApiClient());
            }

            clock.Advance(TimeSpan.FromHours(30));
            var restartedAt = clock.GetUtcNow().UtcDateTime;

            await using var after = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true, Clock = clock };
            var client = after.CreateApiClient();
            await WaitUntilAsync(
                async () => (await GetIncidentAsync(client, logged.Id)).Stage == Stage.Coalition,
                because: "the restarted engine caught up");
            await after.Engine.RunDueAsync(Ct);

            var incident = await GetIncidentAsync(client, logged.Id);
            Assert.Equal([Stage.UkrainianForces, Stage.Coalition], incident.StagesEntered.Select(e => e.Stage));
            var coalition = incident.StagesEntered[1];
            Assert.Equal(logged.OccurredAt + Day, coalition.DueAt);
            Assert.Equal(restartedAt, coalition.At);
            Assert.Equal(Incident.EngineActor, coalition.Actor);
            Assert.Equal(logged.OccurredAt + ThreeDays, incident.NextStageAt);
        }
        finally
        {
            DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task Shorter_windows_configured_across_a_restart_apply_to_incidents_already_active()
    {
        var path = NewDatabasePath();
        var clock = new FakeTimeProvider(StartInstant);
        try
        {
            IncidentResponse logged;
            await using (var before = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true, Clock = clock })
            {
                logged = await before.LogIncidentAsync(before.CreateApiClient());
            }

            clock.Advance(TimeSpan.FromHours(3));

            await using var after = new CeasefireWatchFactory
            {
                DatabasePath = path, KeepDatabase = true, Clock = clock,
                Tier2After = TimeSpan.FromHours(2), Tier3After = TimeSpan.FromHours(6),
            };
            var client = after.CreateApiClient();
            await WaitUntilAsync(
                async () => (await GetIncidentAsync(client, logged.Id)).Stage == Stage.Coalition,
                because: "the restarted engine re-planned the stored deadline under the shorter window");

            var incident = await GetIncidentAsync(client, logged.Id);
            Assert.Equal(logged.OccurredAt + TimeSpan.FromHours(2), incident.StagesEntered[1].DueAt);
            Assert.Equal(logged.OccurredAt + TimeSpan.FromHours(6), incident.NextStageAt);
        }
        finally
        {
            DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task A_catch_up_larger_than_one_batch_enters_every_due_tier_once_and_announces_each_batch_once()
    {
        var published = new ConcurrentQueue<object>();
        var (factory, engine) = await StartWithEngineStoppedAsync(testServices: s => RecordingPublisher.Install(s, published));
        await using var _ = factory;
        var policy = factory.Services.GetRequiredService<EscalationPolicy>();
        var t0 = factory.Now.UtcDateTime;
        var count = EscalationEngine.BatchSize + 5;
        await factory.WithDbAsync(async db =>
        {
            for (var i = 0; i < count; i++)
            {
                var details = new ReportDetails(t0, "Kharkiv", $"Village {i}", ViolationType.DroneStrike, Severity.Minor, SourceType.OpenSource, "");
                db.Incidents.Add(Incident.Log($"Drone strike {i}", details, t0, "seeder", policy));
            }

            return await db.SaveChangesAsync(Ct);
        });

        factory.Clock.Advance(Day);
        published.Clear();
        var next = await engine.RunDueAsync(Ct);

        Assert.Equal(t0 + ThreeDays, next);

        // One change per batch (a full one and the rest), naming every incident once: one wake-up and one push
        // per batch rather than one per incident.
        var changes = published.OfType<IncidentChanged>().ToList();
        Assert.Equal([EscalationEngine.BatchSize, count - EscalationEngine.BatchSize], changes.Select(c => c.IncidentIds.Count));
        var ids = await factory.WithDbAsync(db => db.Incidents.Select(i => i.Id).ToListAsync(Ct));
        Assert.Equal(ids.Order(), changes.SelectMany(c => c.IncidentIds).Order());
        var (stages, coalitionEntries) = await factory.WithDbAsync(async db => (
            await db.Incidents.GroupBy(i => i.Stage).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(Ct),
            await db.TimelineEntries.CountAsync(e => e.Kind == TimelineKind.StageEntered && e.Stage == Stage.Coalition, Ct)));
        var stage = Assert.Single(stages);
        Assert.Equal(Stage.Coalition, stage.Key);
        Assert.Equal(count, stage.Count);
        Assert.Equal(count, coalitionEntries);
    }

    [Fact]
    public async Task A_resolved_incident_is_never_escalated_by_the_engine()
    {
        var (factory, engine) = await StartWithEngineStoppedAsync();
        await using var _ = factory;
        var client = factory.CreateApiClient();
        var logged = await factory.LogIncidentAsync(client);
        using (var resolve = await client.PostAsJsonAsync($"/api/incidents/{logged.Id}/resolve", new { reason = "Quiet." }, Json, Ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, resolve.StatusCode);
        }

        factory.Clock.Advance(TimeSpan.FromHours(100));
        var next = await engine.RunDueAsync(Ct);

        Assert.Null(next);
        var incident = await GetIncidentAsync(client, logged.Id);
        Assert.Equal(Stage.UkrainianForces, incident.Stage);
        Assert.Single(incident.StagesEntered);
    }

    [Fact]
    public async Task Configured_windows_drive_the_engine()
    {
        var (factory, engine) = await StartWithEngineStoppedAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        await using var _ = factory;
        var client = factory.CreateApiClient();
        var logged = await factory.LogIncidentAsync(client);
        var t0 = logged.OccurredAt;
        Assert.Equal(t0 + TimeSpan.FromHours(1), logged.NextStageAt);

        factory.Clock.Advance(TimeSpan.FromHours(1) - Tick);
        Assert.Equal(t0 + TimeSpan.FromHours(1), await engine.RunDueAsync(Ct));
        factory.Clock.Advance(Tick);
        Assert.Equal(t0 + TimeSpan.FromHours(2), await engine.RunDueAsync(Ct));
        factory.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(await engine.RunDueAsync(Ct));

        var incident = await GetIncidentAsync(client, logged.Id);
        Assert.Equal(Stage.UsBackstop, incident.Stage);
        Assert.Equal(
            [t0, t0 + TimeSpan.FromHours(1), t0 + TimeSpan.FromHours(2)],
            incident.StagesEntered.Select(e => e.DueAt));
    }
}
