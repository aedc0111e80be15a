using System.ComponentModel.DataAnnotations;
using System.Globalization;
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

    /// <summary>
    /// PostgreSQL: the clock check is degraded when this instance's clock and the database server's differ by more than
    /// this (zero: not compared). Every instance enters tiers and times retries on its own clock.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Whether the app can do its job, read at most once a second however often it is asked (a load balancer may ask
/// thousands of times a second): can the database be written (a real one-row write, with a short busy timeout so
/// the answer comes within seconds), and how far behind is the escalation engine (the oldest active incident whose
/// next tier is due but not entered).
/// <para>
/// The probe's one row is rewritten in place, so a full disk can leave room for it while every real write fails: a
/// write the storage refused for want of space or access (<see cref="WriteRefused"/>, told by the error handler and the
/// engine) keeps the answer at "cannot be written" for <see cref="RefusedWriteMemory"/> after it, whatever the probe says.
/// </para>
/// </summary>
public sealed partial class HealthMonitor(
    IServiceScopeFactory scopes, TimeProvider clock, IOptions<HealthOptions> options, DatabaseSetup database, ILogger<HealthMonitor> logger) : IDisposable
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a refused write speaks for the storage. Long enough to outlast the gaps between a failing pipeline's
    /// retries (their <c>Retry-After</c> is 5 s); short enough that once space is freed, health is 200 again within
    /// half a minute even if no write comes to prove it (a load balancer that took the app out sends none).
    /// </summary>
    internal static readonly TimeSpan RefusedWriteMemory = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile Reading? last;
    private volatile RefusedWrite? refused;

    private sealed record RefusedWrite(DateTime At, string Problem);

    /// <summary>Whether the last reading found the clocks apart (logged once when they part, once when they agree again).</summary>
    private bool clockApart;

    /// <summary>
    /// What health reports: storage, engine and (PostgreSQL) how far this instance's clock is ahead of the database
    /// server's (<see cref="ClockSkew"/>, negative when behind; null when not compared), as of <see cref="At"/>.
    /// </summary>
    public sealed record Reading(DateTime At, string? StorageProblem, DateTime? OldestDueAt, TimeSpan MaxEngineLag, TimeSpan? ClockSkew = null, TimeSpan MaxClockSkew = default)
    {
        public bool ClockApart => ClockSkew is { } skew && MaxClockSkew > TimeSpan.Zero && skew.Duration() > MaxClockSkew;

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

    /// <summary>
    /// A write failed on the storage: when the fault means writes cannot succeed until somebody acts (a full disk, a
    /// read-only file, an I/O error; not a lock held too long), health says so from the next reading on.
    /// </summary>
    public void WriteRefused(Exception exception)
    {
        if (!StorageFailure.MeansUnwritable(exception))
        {
            return;
        }

        refused = new RefusedWrite(clock.GetUtcNow().UtcDateTime, StorageFailure.Describe(exception));
        last = null;
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
        if (storageProblem is null && refused is { } write && now - write.At < RefusedWriteMemory)
        {
            storageProblem = string.Create(CultureInfo.InvariantCulture, $"A write was refused {(now - write.At).TotalSeconds:0} s ago: {write.Problem}");
        }

        DateTime? oldestDue = null;
        try
        {
            oldestDue = await OldestDueAsync(db, now, cancellationToken);
        }
        catch (Exception ex) when (StorageFailure.Is(ex))
        {
            storageProblem ??= StorageFailure.Describe(ex);
        }

        TimeSpan? skew = null;
        if (database.IsPostgres && options.Value.MaxClockSkew > TimeSpan.Zero)
        {
            try
            {
                skew = await ClockSkewAsync(db, cancellationToken);
            }
            catch (Exception ex) when (StorageFailure.Is(ex))
            {
                storageProblem ??= StorageFailure.Describe(ex);
            }
        }

        var reading = new Reading(now, storageProblem, oldestDue, options.Value.MaxEngineLag, skew, options.Value.MaxClockSkew);
        if (skew is { } apart && reading.ClockApart != clockApart)
        {
            clockApart = reading.ClockApart;
            if (clockApart)
            {
                LogClockApart(apart.TotalSeconds, options.Value.MaxClockSkew.TotalSeconds);
            }
            else
            {
                LogClockAgrees(apart.TotalSeconds);
            }
        }

        return reading;
    }

    /// <summary>
    /// This instance's clock minus the database server's, read halfway through one round trip. The instances share one
    /// database and each enters the tiers that fell due by its own clock: one running ahead enters them early (and one
    /// behind leaves them to the others), and one's retries fall due early for another. The server's clock is the one
    /// they all see, so each compares itself with it.
    /// </summary>
    private async Task<TimeSpan> ClockSkewAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow();
        var server = (await db.Database.SqlQueryRaw<DateTime>("SELECT clock_timestamp() AS \"Value\"").ToListAsync(cancellationToken))[0];
        var after = clock.GetUtcNow();
        var local = before + ((after - before) / 2);
        return local.UtcDateTime - DateTime.SpecifyKind(server, DateTimeKind.Utc);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This instance's clock is {SkewSeconds:0.0} s ahead of the database server's (negative: behind; more than {MaxSeconds:0.#} s): it enters tiers and times retries that far off. Synchronise the clocks (NTP)")]
    private partial void LogClockApart(double skewSeconds, double maxSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "This instance's clock agrees with the database server's again ({SkewSeconds:0.0} s apart)")]
    private partial void LogClockAgrees(double skewSeconds);

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
