using System.ComponentModel.DataAnnotations;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Web.Infrastructure.Health;

public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>The engine is degraded when the oldest tier that fell due but is not yet entered is older than this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxEngineLag { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Whether the app can do its job, read at most once a second however often it is asked (a load balancer may ask
/// thousands of times a second): can the database be written (a real one-row write, with a short busy timeout so
/// the answer comes within seconds), and how far behind is the escalation engine (the oldest active incident whose
/// next tier is due but not entered).
/// </summary>
public sealed class HealthMonitor(IServiceScopeFactory scopes, TimeProvider clock, IOptions<HealthOptions> options) : IDisposable
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile Reading? last;

    /// <summary>What health reports: storage and engine, as of <see cref="At"/>.</summary>
    public sealed record Reading(DateTime At, string? StorageProblem, DateTime? OldestDueAt, TimeSpan MaxEngineLag)
    {
        public bool Writable => StorageProblem is null;

        /// <summary>How long the oldest due tier has waited; zero when none is waiting.</summary>
        public TimeSpan EngineLag => OldestDueAt is { } due && At > due ? At - due : TimeSpan.Zero;

        public bool EngineBehind => EngineLag > MaxEngineLag;
    }

    public async Task<Reading> ReadAsync(CancellationToken cancellationToken)
    {
        if (IsFresh(last))
        {
            return last!;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!IsFresh(last))
            {
                last = await MeasureAsync(cancellationToken);
            }

            return last!;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private bool IsFresh(Reading? reading) =>
        reading is not null && clock.GetUtcNow().UtcDateTime - reading.At < Freshness;

    private async Task<Reading> MeasureAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var storageProblem = await ProbeWriteAsync(db, scope.ServiceProvider.GetService<SqlitePragmas>(), now, cancellationToken);

        DateTime? oldestDue = null;
        try
        {
            oldestDue = await OldestDueAsync(db, now, cancellationToken);
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            storageProblem ??= StorageFailure.Describe(ex);
        }

        return new Reading(now, storageProblem, oldestDue, options.Value.MaxEngineLag);
    }

    /// <summary>
    /// The earliest deadline an active incident has reached without its tier entered, or null. One plain command rather
    /// than a LINQ query: <c>/health</c> is the first request a starting process answers, and a LINQ query there (the
    /// first of the process) compiled EF Core's whole query pipeline on the way to the first 200 (docs/performance.md).
    /// </summary>
    internal static Task<DateTime?> OldestDueAsync(AppDbContext db, DateTime now, CancellationToken cancellationToken) =>
        PlainReads.EarliestAsync<Incident>(db, nameof(Incident.NextStageAt), nameof(Incident.Status), IncidentStatus.Active, now, cancellationToken);

    /// <summary>
    /// Writes the probe row through the app's own connections (so every fault they meet, this meets), with a short
    /// busy timeout: a lock held by another writer answers within seconds rather than the requests' ten. The pooled
    /// connection keeps its settings between opens (<see cref="SqlitePragmas"/> sets them once per connection), so
    /// the usual timeout is put back before it returns to the pool. On PostgreSQL the command timeout alone bounds it.
    /// </summary>
    private static async Task<string?> ProbeWriteAsync(AppDbContext db, SqlitePragmas? pragmas, DateTime now, CancellationToken cancellationToken)
    {
        try
        {
            db.Database.SetCommandTimeout(ProbeTimeout);
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                if (pragmas is not null)
                {
                    await db.Database.ExecuteSqlRawAsync("PRAGMA busy_timeout=1000;", cancellationToken);
                }

                // Quoted names, so PostgreSQL (which folds bare names to lower case) finds the table too.
                await db.Database.ExecuteSqlAsync(
                    $"""INSERT INTO "HealthProbes" ("Id", "CheckedAt") VALUES (1, {now}) ON CONFLICT ("Id") DO UPDATE SET "CheckedAt" = excluded."CheckedAt";""",
                    cancellationToken);
            }
            finally
            {
                try
                {
                    if (pragmas is not null)
                    {
                        await db.Database.ExecuteSqlRawAsync(pragmas.BusyTimeoutPragma, CancellationToken.None);
                    }
                }
                catch (Exception ex) when (StorageFailure.Is(ex))
                {
                    // Not put back: this connection must not go back to the pool with the short timeout.
                    SqliteConnection.ClearPool((SqliteConnection)db.Database.GetDbConnection());
                }
                finally
                {
                    await db.Database.CloseConnectionAsync();
                }
            }

            return null;
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            StorageFailure.Recover(ex);
            return StorageFailure.Describe(ex);
        }
    }
}
