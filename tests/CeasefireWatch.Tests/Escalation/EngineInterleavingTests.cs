using System.Data.Common;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CeasefireWatch.Tests.Escalation;

/// <summary>
/// The engine reads its due incidents, lets the domain enter their tiers, and writes only the changed columns under
/// the version it read (<see cref="IncidentBatchWriter"/>). A request that changes an incident in that gap must not be
/// lost, and the tier must still be entered once: these tests put a rival write exactly there. SQLite only: on
/// PostgreSQL the engine claims its rows (FOR UPDATE) before it reads them, so a rival waits instead (PostgresTests).
/// </summary>
[Trait("Database", "SqliteOnly")]
public sealed class EngineInterleavingTests
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Runs a write once, right after the engine's "what is due" query has read its rows.</summary>
    private sealed class AfterDueQuery : DbCommandInterceptor
    {
        private Func<Task>? pending;

        public void Arm(Func<Task> write) => pending = write;

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("\"NextStageAt\" <=", StringComparison.Ordinal)
                && command.CommandText.Contains("LIMIT", StringComparison.Ordinal)
                && Interlocked.Exchange(ref pending, null) is { } write)
            {
                // The engine's read has begun (SQLite has stepped to its first row: its snapshot is taken); the
                // rival commits on a connection of its own (WAL lets a writer past a reader) before the engine writes.
                await write();
            }

            return result;
        }
    }

    [Fact]
    public async Task A_note_added_between_the_engines_read_and_its_write_is_kept_and_the_tier_entered_once()
    {
        var (app, engine, interceptor) = await StartAsync();
        await using var _ = app;
        var logged = await app.LogIncidentAsync(app.CreateApiClient());
        var versionBefore = await VersionAsync(app, logged.Id);

        interceptor.Arm(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var incident = await db.Incidents.SingleAsync(i => i.Id == logged.Id, Ct);
            incident.AddNote("Written while the engine held a stale copy.", app.Now.UtcDateTime, "rival analyst");
            await db.SaveChangesAsync(Ct);
        });
        app.Clock.Advance(Day);
        await engine.RunDueAsync(Ct);

        await using var check = app.Services.CreateAsyncScope();
        var stored = await check.ServiceProvider.GetRequiredService<AppDbContext>().Incidents.AsNoTracking()
            .Include(i => i.Timeline).SingleAsync(i => i.Id == logged.Id, Ct);
        Assert.Equal(Stage.Coalition, stored.Stage);
        Assert.Single(stored.Timeline, e => e.Kind == TimelineKind.Note && e.Actor == "rival analyst");
        Assert.Single(stored.Timeline, e => e.Kind == TimelineKind.StageEntered && e.Stage == Stage.Coalition);
        // The rival's change and the engine's each counted: nothing was written over a version it did not read.
        Assert.Equal(versionBefore + 2, stored.Version);
        Assert.Equal(logged.OccurredAt + TimeSpan.FromHours(72), stored.NextStageAt);
    }

    [Fact]
    public async Task An_incident_resolved_between_the_engines_read_and_its_write_does_not_enter_the_tier()
    {
        var (app, engine, interceptor) = await StartAsync();
        await using var _ = app;
        var logged = await app.LogIncidentAsync(app.CreateApiClient());

        app.Clock.Advance(Day);
        var ceased = app.Now.UtcDateTime - TimeSpan.FromMinutes(1);
        interceptor.Arm(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var incident = await db.Incidents.SingleAsync(i => i.Id == logged.Id, Ct);
            incident.Resolve(ceased, "Hostilities ceased before the deadline.", app.Now.UtcDateTime, "rival analyst",
                scope.ServiceProvider.GetRequiredService<EscalationPolicy>());
            await db.SaveChangesAsync(Ct);
        });
        await engine.RunDueAsync(Ct);

        await using var check = app.Services.CreateAsyncScope();
        var stored = await check.ServiceProvider.GetRequiredService<AppDbContext>().Incidents.AsNoTracking()
            .Include(i => i.Timeline).SingleAsync(i => i.Id == logged.Id, Ct);
        Assert.Equal(IncidentStatus.Resolved, stored.Status);
        Assert.Equal(Stage.UkrainianForces, stored.Stage);
        Assert.DoesNotContain(stored.Timeline, e => e.Kind == TimelineKind.StageEntered && e.Stage == Stage.Coalition);
    }

    /// <summary>An app whose hosted engine loop is stopped (the test runs the engine), with the interceptor in place.</summary>
    private static async Task<(CeasefireWatchFactory App, EscalationEngine Engine, AfterDueQuery Interceptor)> StartAsync()
    {
        var interceptor = new AfterDueQuery();
        var app = new CeasefireWatchFactory { TestServices = s => s.AddSingleton<IInterceptor>(interceptor) };
        var engine = app.Engine;
        await engine.StopAsync(Ct);
        return (app, engine, interceptor);
    }

    private static async Task<int> VersionAsync(CeasefireWatchFactory app, int id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Incidents.Where(i => i.Id == id).Select(i => i.Version).SingleAsync(Ct);
    }
}
